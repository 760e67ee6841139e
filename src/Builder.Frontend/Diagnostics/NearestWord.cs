namespace Builder.Frontend.Diagnostics;

/// <summary>
/// The "did you mean …?" rule every error that names an unknown word uses (an unknown instruction, an unknown
/// command-line flag or command): the candidate within edit distance 2, or a third of the word, of what was written;
/// and <see cref="Search"/>, BuildKit's own rule (<c>util/suggest.Search</c>), which the UndefinedVar and
/// UndefinedArgInFrom checks use so their messages match BuildKit's.
/// </summary>
public static class NearestWord
{
    /// <summary>The candidate nearest to <paramref name="word"/> (the first of equals), or null when none is near.</summary>
    public static string? Find(string word, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(candidates);
        if (word.Length > 64) return null;
        (string? best, int distance) = (null, int.MaxValue);
        foreach (string candidate in candidates)
        {
            int d = EditDistance(word, candidate);
            if (d < distance) (best, distance) = (candidate, d);
        }
        return distance <= Math.Max(2, word.Length / 3) ? best : null;
    }

    /// <summary>
    /// BuildKit's <c>suggest.Search</c>: the first option at edit distance below 3 and nearer than any before it;
    /// null when there is none, or when an option is <paramref name="value"/> itself.
    /// </summary>
    public static string? Search(string value, IEnumerable<string> options, bool caseSensitive)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
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

    /// <summary>Levenshtein distance: insertions, deletions and substitutions, each costing one.</summary>
    public static int EditDistance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
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
