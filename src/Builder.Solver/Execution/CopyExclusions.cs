using System.Text;
using System.Text.RegularExpressions;

namespace Builder.Solver.Execution;

/// <summary>
/// The <c>--exclude</c> patterns of one COPY or ADD, matched against a path relative to the source being copied, as
/// BuildKit's copy filter does: Go <c>filepath.Match</c> syntax per component, <c>**</c> for any number of
/// components, and a directory that matches excludes everything under it. Patterns starting with '!' re-include
/// what an earlier pattern excluded.
/// </summary>
internal sealed class CopyExclusions
{
    private readonly List<(Regex Pattern, bool Exception)> _patterns = [];

    public CopyExclusions(IEnumerable<string> patterns)
    {
        foreach (string raw in patterns)
        {
            bool exception = raw.StartsWith('!');
            string pattern = (exception ? raw[1..] : raw).Trim().Trim('/');
            if (pattern.StartsWith("./", StringComparison.Ordinal)) pattern = pattern[2..];
            if (pattern.Length == 0) continue;
            _patterns.Add((new Regex("^" + ToRegex(pattern) + "(/.*)?$", RegexOptions.CultureInvariant | RegexOptions.Singleline), exception));
        }
    }

    /// <summary>Whether there is nothing to exclude.</summary>
    public bool IsEmpty => _patterns.Count == 0;

    /// <summary>Whether <paramref name="relativePath"/> ('/'-separated, no leading '/') is left out of the copy.</summary>
    public bool Excludes(string relativePath)
    {
        bool excluded = false;
        foreach ((Regex pattern, bool exception) in _patterns)
        {
            if (excluded == exception && pattern.IsMatch(relativePath)) excluded = !exception;
        }
        return excluded;
    }

    private static string ToRegex(string pattern)
    {
        var builder = new StringBuilder();
        string[] parts = pattern.Split('/');
        for (int p = 0; p < parts.Length; p++)
        {
            if (parts[p] == "**")
            {
                builder.Append(p == parts.Length - 1 ? ".*" : "(.*/)?");
                continue;
            }
            builder.Append(CopyActionRunner.GlobToRegex(parts[p]));
            if (p < parts.Length - 1) builder.Append('/');
        }
        return builder.ToString();
    }
}
