using System.Collections.Immutable;
using Builder.Frontend.Conversion;

namespace Builder.Frontend.Context;

/// <summary>
/// Reads the build context's ignore patterns: <c>&lt;Dockerfile&gt;.dockerignore</c> beside the Dockerfile wins
/// over <c>.dockerignore</c> at the context root (Dockerfile reference). Lines are read as BuildKit's
/// dockerignore reader does: <c>#</c> comments and blank lines skipped, whitespace trimmed, a leading <c>!</c> kept
/// as an exception, and the path cleaned and made relative to the context root.
/// </summary>
public static class DockerIgnoreFile
{
    /// <summary>The ignore patterns for a build, or none when neither file exists.</summary>
    public static ImmutableArray<string> Load(string contextDirectory, string dockerfilePath)
    {
        string specific = dockerfilePath + ".dockerignore";
        string path = File.Exists(specific) ? specific : Path.Combine(contextDirectory, ".dockerignore");
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : [];
    }

    /// <summary>The patterns of one .dockerignore text, in order.</summary>
    public static ImmutableArray<string> Parse(string text)
    {
        var patterns = ImmutableArray.CreateBuilder<string>();
        foreach (string rawLine in text.Split('\n'))
        {
            string line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            bool exception = line.StartsWith('!');
            if (exception) line = line[1..].Trim();
            if (line.Length == 0) continue;
            string clean = UnixPath.Clean(line);
            // BuildKit makes patterns relative to the context root: "/foo" and "foo" are the same pattern.
            if (clean.StartsWith('/')) clean = clean.TrimStart('/');
            if (clean.Length == 0) clean = ".";
            patterns.Add(exception ? "!" + clean : clean);
        }
        return patterns.ToImmutable();
    }
}
