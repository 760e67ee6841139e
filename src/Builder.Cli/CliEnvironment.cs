namespace Builder.Cli;

/// <summary>
/// What the command line reads from its process besides arguments: environment variables and standard input and
/// output. The engine never reads these; the CLI maps them into requests. Tests pass their own, so builds with
/// different environments run side by side in one process.
/// </summary>
/// <param name="variables">Looks up an environment variable (null when unset).</param>
/// <param name="openStandardOutput">Opens the binary standard output (for <c>--output dest=-</c>).</param>
/// <param name="standardInput">The text standard input (<c>-f -</c>, <c>--password-stdin</c>).</param>
internal sealed class CliEnvironment(Func<string, string?> variables, Func<Stream> openStandardOutput, Func<TextReader> standardInput)
{
    /// <summary>The process's own environment and console.</summary>
    public static CliEnvironment Process { get; } = new(Environment.GetEnvironmentVariable, Console.OpenStandardOutput, () => Console.In);

    /// <summary>The value of environment variable <paramref name="name"/>, or null.</summary>
    public string? Variable(string name) => variables(name);

    /// <summary>Opens the binary standard output.</summary>
    public Stream OpenStandardOutput() => openStandardOutput();

    /// <summary>The text standard input.</summary>
    public TextReader StandardInput => standardInput();

    /// <summary>The process environment with <paramref name="overrides"/> on top (a null value unsets a variable).</summary>
    public static CliEnvironment With(IReadOnlyDictionary<string, string?> overrides) =>
        new(name => overrides.TryGetValue(name, out string? value) ? value : Environment.GetEnvironmentVariable(name), Console.OpenStandardOutput, () => Console.In);
}
