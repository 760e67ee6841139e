using System.Collections.Immutable;
using System.Globalization;
using Builder.Graph;

namespace Builder.Cli.Options;

/// <summary>
/// docker's <c>--ulimit NAME=SOFT[:HARD]</c> (go-units' ParseUlimit): one of the names docker knows, a hard limit
/// equal to the soft one when left out, -1 for unlimited.
/// </summary>
internal static class UlimitParser
{
    // go-units ulimit.go: the names docker accepts, each an RLIMIT_* of Linux.
    private static readonly ImmutableArray<string> Names =
        ["core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"];

    /// <exception cref="FormatException">A malformed value, an unknown name, or a soft limit above the hard one.</exception>
    public static ImmutableArray<Ulimit> Parse(IEnumerable<string> values)
    {
        // A later --ulimit of the same name replaces the earlier one, as docker's UlimitOpt keeps one per name.
        var limits = new Dictionary<string, Ulimit>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            string[] parts = value.Split('=', 2);
            if (parts.Length != 2)
                throw new FormatException($"invalid --ulimit '{value}': write NAME=SOFT[:HARD], for example --ulimit nofile=1024:2048");
            string name = parts[0];
            if (!Names.Contains(name))
                throw new FormatException($"invalid --ulimit '{value}': unknown limit '{name}'" +
                    (Builder.Frontend.Diagnostics.NearestWord.Find(name, Names) is { } nearest ? $" (did you mean {nearest}?)" : $"; the limits are {string.Join(", ", Names)}"));
            string[] bounds = parts[1].Split(':');
            if (bounds.Length > 2 || !long.TryParse(bounds[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long soft))
                throw new FormatException($"invalid --ulimit '{value}': write NAME=SOFT[:HARD] with whole numbers");
            long hard = soft;
            if (bounds.Length == 2 && !long.TryParse(bounds[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out hard))
                throw new FormatException($"invalid --ulimit '{value}': write NAME=SOFT[:HARD] with whole numbers");
            if (soft != -1 && (hard == -1 ? false : soft > hard))
                throw new FormatException($"invalid --ulimit '{value}': the soft limit {soft} is above the hard limit {hard}");
            limits[name] = new Ulimit(name, soft, hard);
        }
        return [.. limits.Values];
    }
}
