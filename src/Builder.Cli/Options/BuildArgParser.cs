using System.Collections.Immutable;

namespace Builder.Cli.Options;

/// <summary><c>--build-arg NAME=VALUE</c>, or <c>NAME</c> alone to take the value from the environment (docker build's rule).</summary>
internal static class BuildArgParser
{
    /// <exception cref="FormatException">A value with no name (<c>=v</c>): one line for the command line to print.</exception>
    public static ImmutableDictionary<string, string> Parse(IEnumerable<string> values, Func<string, string?> environment)
    {
        var args = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            int equals = value.IndexOf('=');
            if (equals == 0)
            {
                throw new FormatException($"--build-arg '{value}' has no name: write --build-arg NAME=VALUE");
            }
            if (equals < 0)
            {
                if (environment(value) is string fromEnvironment) args[value] = fromEnvironment;
                continue;
            }
            args[value[..equals]] = value[(equals + 1)..];
        }
        return args.ToImmutable();
    }
}
