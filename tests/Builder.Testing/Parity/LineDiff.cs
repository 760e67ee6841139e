namespace Builder.Testing.Parity;

/// <summary>The lines of two sorted listings that differ, for a failure message a reader can act on.</summary>
public static class LineDiff
{
    /// <summary><c>- line</c> for each line only in <paramref name="expected"/>, <c>+ line</c> for each only in <paramref name="actual"/>; empty when they are equal.</summary>
    public static string Describe(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var missing = new List<string>(expected);
        foreach (string line in actual) missing.Remove(line);
        var extra = new List<string>(actual);
        foreach (string line in expected) extra.Remove(line);
        return string.Concat(missing.Select(line => $"- {line}\n").Concat(extra.Select(line => $"+ {line}\n")));
    }
}
