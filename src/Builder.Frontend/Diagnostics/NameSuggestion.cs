namespace Builder.Frontend.Diagnostics;

/// <summary>
/// "Did you mean": the option nearest a misspelt name by edit distance. <see cref="Search"/> is BuildKit's
/// <c>util/suggest.Search</c>, which the UndefinedVar and UndefinedArgInFrom checks use.
/// </summary>
internal static class NameSuggestion
{
    /// <summary>
    /// BuildKit's <c>suggest.Search</c>: the first option at edit distance below 3 and nearer than any before it;
    /// null when there is none, or when an option is <paramref name="value"/> itself.
    /// </summary>
    public static string? Search(string value, IEnumerable<string> options, bool caseSensitive)
    {
        string wanted = caseSensitive ? value : value.ToLowerInvariant();
        string? match = null;
        int nearest = 3; // "same as hcl", says BuildKit
        foreach (string option in options)
        {
            string candidate = caseSensitive ? option : option.ToLowerInvariant();
            if (candidate == wanted) return null;
            int distance = EditDistance(wanted, candidate);
            if (distance < nearest) (match, nearest) = (candidate, distance);
        }
        return match;
    }

    /// <summary>The Levenshtein distance: insertions, deletions and substitutions, each costing one.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
