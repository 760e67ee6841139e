namespace Builder.Frontend.Tests.Conformance;

/// <summary>Finds the repository root (the folder holding Builder.sln) and the shared conformance data beside it.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string BuildKitConformance => Path.Combine(Root, "..", "shared", "conformance", "buildkit");

    public static string TestData => Path.Combine(Root, "testdata");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Builder.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Builder.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// The folder, or a failure that says where it was looked for: a missing corpus must not pass. Only the
    /// conformance tests read ../shared; every other test runs from a clone alone.
    /// </summary>
    public static string RequireDirectory(string path) =>
        Directory.Exists(path) ? path : throw new DirectoryNotFoundException(
            $"the conformance tests need BuildKit's test vectors at {Path.GetFullPath(path)}, which is not there: " +
            $"put the shared corpus beside the clone ({Path.GetFullPath(Path.Combine(Root, "..", "shared", "conformance"))}, as CI has it)");
}
