namespace Builder.Frontend.Tests.Conformance;

/// <summary>Reads BuildKit's shell-expansion vector files (formats in ../shared/conformance/buildkit/README.md).</summary>
internal static class ShellVectors
{
    public static string Folder => Path.Combine(RepositoryPaths.BuildKitConformance, "shell");

    /// <summary>envVarTest lines for Linux (platform A or U): (line number, input, expected or "error").</summary>
    public static IEnumerable<(int Line, string Input, string Expected)> EnvVar()
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryPaths.RequireDirectory(Folder), "envVarTest"));
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('#')) continue;
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            string[] fields = line.Split('|');
            if (fields.Length != 3) throw new FormatException($"envVarTest:{i + 1}: expected 3 fields, got {fields.Length}");
            string platform = fields[0].Trim();
            if (platform is not ("A" or "U" or "W")) throw new FormatException($"envVarTest:{i + 1}: unknown platform '{platform}'");
            if (platform == "W") continue;
            yield return (i + 1, fields[1].Trim(), fields[2].Trim());
        }
    }

    /// <summary>wordsTest vectors with the environment the ENV lines above each one set up.</summary>
    public static IEnumerable<(int Line, string Input, string[] Expected, Dictionary<string, string> Environment)> Words()
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepositoryPaths.RequireDirectory(Folder), "wordsTest"));
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith('#')) continue;
            if (line.StartsWith("ENV ", StringComparison.Ordinal))
            {
                string assignment = line[4..].TrimStart();
                int equals = assignment.IndexOf('=');
                environment[assignment[..equals]] = assignment[(equals + 1)..];
                continue;
            }
            string[] fields = line.Split('|');
            if (fields.Length != 2) throw new FormatException($"wordsTest:{i + 1}: expected exactly one '|'");
            yield return (i + 1, fields[0].Trim(), fields[1].TrimStart().Split(','), new Dictionary<string, string>(environment));
        }
    }
}
