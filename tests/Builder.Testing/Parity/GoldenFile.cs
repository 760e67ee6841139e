namespace Builder.Testing.Parity;

/// <summary>
/// The <c>golden</c> file of a parity case: what BuildKit v0.24 built, as <see cref="ImageDescription"/> lines,
/// written so that the base image's own bytes (Debian's busybox) are not in it. An image built FROM the base has
/// its file tree written relative to the base: <c>- "PATH"</c> is a base entry it removed or changed, <c>+ LINE</c>
/// an entry it added or changed. Any other image (FROM scratch) lists every entry as <c>+ LINE</c>. In both, a file
/// with the content of a base file says <c>content-of-base "PATH"</c> instead of its size and hash. The config lines
/// follow as they are. Lines starting with <c>#</c> are comments (the header says where the golden came from).
/// </summary>
public static class GoldenFile
{
    /// <summary>The BuildKit the goldens come from.</summary>
    public const string Reference = "BuildKit v0.24.0 (b772c318368090fb2ffc9c0fed92e0a35bf82389, dockerfile frontend built with dfparents dfexcludepatterns dfrunsecurity)";

    /// <summary>The lines that describe <paramref name="image"/> next to <paramref name="baseImage"/>, comments excluded.</summary>
    public static IReadOnlyList<string> Lines(ImageDescription image, ImageDescription baseImage)
    {
        bool fromBase = image.DiffIds.Count > 0 && baseImage.DiffIds.Count > 0 && image.DiffIds[0] == baseImage.DiffIds[0];
        Dictionary<string, string> before = fromBase ? baseImage.Files.ToDictionary(PathOf, line => line, StringComparer.Ordinal) : [];
        Dictionary<string, string> after = image.Files.ToDictionary(PathOf, line => line, StringComparer.Ordinal);
        // "SIZE SHA256" of each base file, to name the base file instead of repeating its hash.
        var baseContent = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in baseImage.Files)
            if (ContentOf(line) is { } content) baseContent.TryAdd(content, PathOf(line));

        var lines = new List<string>();
        foreach ((string path, string line) in before.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            if (!after.TryGetValue(path, out string? now) || now != line) lines.Add($"- {path}");
        foreach ((string path, string line) in after.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (before.TryGetValue(path, out string? was) && was == line) continue;
            lines.Add(ContentOf(line) is { } content && baseContent.TryGetValue(content, out string? basePath)
                ? $"+ {line[..^(content.Length + 1)]} content-of-base {basePath}"
                : $"+ {line}");
        }
        lines.AddRange(image.Config);
        return lines;
    }

    /// <summary>Writes a golden for case <paramref name="caseName"/> to <paramref name="path"/>, with a header.</summary>
    public static void Write(string path, string caseName, IReadOnlyList<string> lines) =>
        File.WriteAllLines(path, [
            $"# parity case {caseName}: the image {Reference} built with the busybox fixture as BASE.",
            "# Remade by scripts/parity-goldens.sh; see README, Parity with BuildKit. Files relative to the base image:",
            "# '- PATH' a base entry removed or changed, '+ ENTRY' an entry added or changed; then the config.",
            .. lines]);

    /// <summary>The lines of the golden file at <paramref name="path"/>, comments excluded.</summary>
    public static IReadOnlyList<string> Read(string path) =>
        [.. File.ReadAllLines(path).Where(line => line.Length > 0 && !line.StartsWith('#'))];

    // A file line starts with the JSON-quoted path; its closing quote is the first unescaped one.
    private static string PathOf(string line)
    {
        for (int i = 1; i < line.Length; i++)
        {
            if (line[i] == '\\') i++;
            else if (line[i] == '"') return line[..(i + 1)];
        }
        throw new FormatException($"not a file line: {line}");
    }

    // A regular file's line ends with "SIZE SHA256".
    private static string? ContentOf(string line)
    {
        string[] words = line[PathOf(line).Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words is [ "file", _, _, var size, var hash ] ? $"{size} {hash}" : null;
    }
}
