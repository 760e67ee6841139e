using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;

namespace Builder.Cli.Options;

/// <summary><c>--build-arg NAME=VALUE</c>, or <c>NAME</c> alone to take the value from the environment (docker build's rule).</summary>
internal static class BuildArgParser
{
    /// <exception cref="DockerfileException">A value with no name (<c>=v</c>).</exception>
    public static ImmutableDictionary<string, string> Parse(IEnumerable<string> values, Func<string, string?> environment)
    {
        var args = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            int equals = value.IndexOf('=');
            if (equals == 0)
            {
                throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.InvalidBuildOption,
                    SourceSpan.At("--build-arg", 1, 1), value, $"--build-arg '{value}' has no name", "write --build-arg NAME=VALUE"));
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
