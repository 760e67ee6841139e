using System.Collections.Immutable;

namespace Builder.Frontend.Context;

/// <summary>
/// The build context's ignore patterns as the build request carries them: found and read by
/// <see cref="DockerignoreLocator"/> (so a bad pattern is reported with its file, line and column), written back
/// as text with a leading <c>!</c> for exceptions.
/// </summary>
public static class DockerIgnoreFile
{
    /// <summary>The ignore patterns for a build, or none when there is no ignore file.</summary>
    public static ImmutableArray<string> Load(string contextDirectory, string dockerfilePath) =>
        [.. DockerignoreLocator.Load(contextDirectory, dockerfilePath).Select(p => p.IsException ? "!" + p.Text : p.Text)];
}
