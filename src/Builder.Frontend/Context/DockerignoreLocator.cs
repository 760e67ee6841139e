using Builder.Filesystem.Patterns;
using System.Collections.Immutable;
using System.Text;

namespace Builder.Frontend.Context;

/// <summary>
/// Finds the ignore file of a build. Dockerfile reference, ".dockerignore file": a file named
/// <c>&lt;Dockerfile-name&gt;.dockerignore</c> in the same directory as the Dockerfile takes precedence over
/// <c>.dockerignore</c> at the root of the build context (so <c>build/app.Dockerfile</c> uses
/// <c>build/app.Dockerfile.dockerignore</c>, and the default <c>Dockerfile</c> uses <c>Dockerfile.dockerignore</c>).
/// </summary>
internal static class DockerignoreLocator
{
    /// <summary>The ignore file at the context root.</summary>
    public const string DefaultFileName = ".dockerignore";

    /// <summary>The ignore file that applies, or <see langword="null"/> when there is none.</summary>
    /// <param name="contextDirectory">The build context directory.</param>
    /// <param name="dockerfilePath">The Dockerfile, absolute or relative to the current directory.</param>
    public static string? Find(string contextDirectory, string dockerfilePath)
    {
        string specific = Path.GetFullPath(dockerfilePath) + DefaultFileName;
        if (File.Exists(specific))
            return specific;
        string root = Path.Combine(Path.GetFullPath(contextDirectory), DefaultFileName);
        return File.Exists(root) ? root : null;
    }

    /// <summary>The patterns of the ignore file that applies; none when there is no ignore file.</summary>
    /// <exception cref="Diagnostics.DockerfileException">A line of the ignore file is not a valid pattern.</exception>
    public static ImmutableArray<PathPattern> Load(string contextDirectory, string dockerfilePath)
    {
        string? file = Find(contextDirectory, dockerfilePath);
        if (file is null)
            return [];
        // Errors name the file as the user knows it: relative to the context when it is inside it.
        string relative = Path.GetRelativePath(Path.GetFullPath(contextDirectory), file);
        string shownName = relative.StartsWith("..", StringComparison.Ordinal) ? file : relative.Replace('\\', '/');
        return DockerignoreReader.Read(File.ReadAllText(file, Encoding.UTF8), shownName);
    }
}
