using System.Collections.Immutable;

namespace Builder.Frontend.Checks;

/// <summary>
/// Which build checks run and whether they fail the build: the <c># check=</c> directive, or the
/// <c>BUILDKIT_DOCKERFILE_CHECK</c> build argument, which replaces it (BuildKit's linter.Config and
/// ParseLintOptions, frontend/dockerfile/linter/linter.go).
/// </summary>
public sealed record CheckConfig
{
    /// <summary>The build argument that replaces the Dockerfile's <c># check=</c> directive (dockerui/config.go).</summary>
    public const string BuildArg = "BUILDKIT_DOCKERFILE_CHECK";

    /// <summary>Every non-experimental rule on, warnings only.</summary>
    public static CheckConfig Default { get; } = new();

    /// <summary><c>skip=all</c>: no non-experimental rule runs.</summary>
    public bool SkipAll { get; init; }

    /// <summary>Rules named in <c>skip=</c>.</summary>
    public ImmutableHashSet<string> Skip { get; init; } = [];

    /// <summary><c>experimental=all</c>: every experimental rule runs.</summary>
    public bool ExperimentalAll { get; init; }

    /// <summary>Experimental rules named in <c>experimental=</c>.</summary>
    public ImmutableHashSet<string> Experimental { get; init; } = [];

    /// <summary><c>error=true</c>: a warning fails the build.</summary>
    public bool Error { get; init; }

    /// <summary>
    /// Whether <paramref name="rule"/> runs. As BuildKit: an experimental rule runs only when named (or
    /// <c>experimental=all</c>), and then <c>skip</c> does not apply to it.
    /// </summary>
    public bool IsEnabled(CheckRule rule) => rule.Experimental
        ? ExperimentalAll || Experimental.Contains(rule.Name)
        : !SkipAll && !Skip.Contains(rule.Name);

    /// <summary>Reads <c>skip=A,B|all;experimental=A|all;error=true|false</c>; false with BuildKit's message when it is malformed.</summary>
    public static bool TryParse(string? text, out CheckConfig config, out string? error)
    {
        config = Default;
        error = null;
        text = text?.Trim() ?? string.Empty;
        if (text.Length == 0) return true;
        var result = new CheckConfig();
        // BuildKit splits into at most three parts, so a fourth ';' stays inside the last value.
        foreach (string part in text.Split(';', 3))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                error = $"invalid check option \"{part}\"";
                return false;
            }
            string key = part[..equals].Trim(), value = part[(equals + 1)..].Trim();
            switch (key)
            {
                case "skip":
                    result = value == "all" ? result with { SkipAll = true } : result with { Skip = [.. value.Split(',').Select(r => r.Trim())] };
                    break;
                case "experimental":
                    result = value == "all" ? result with { ExperimentalAll = true } : result with { Experimental = [.. value.Split(',').Select(r => r.Trim())] };
                    break;
                case "error":
                    if (!TryParseGoBool(value, out bool fail))
                    {
                        error = $"failed to parse check option \"{part}\": strconv.ParseBool: parsing \"{value}\": invalid syntax";
                        return false;
                    }
                    result = result with { Error = fail };
                    break;
                default:
                    error = $"invalid check option \"{key}\"";
                    return false;
            }
        }
        config = result;
        return true;
    }

    // Go's strconv.ParseBool, which BuildKit uses for error=.
    private static bool TryParseGoBool(string value, out bool result)
    {
        result = value is "1" or "t" or "T" or "TRUE" or "true" or "True";
        return result || value is "0" or "f" or "F" or "FALSE" or "false" or "False";
    }
}
