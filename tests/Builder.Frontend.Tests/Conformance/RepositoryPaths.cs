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

    /// <summary>The folder, or a failure that says where it was looked for: a missing corpus must not pass.</summary>
    public static string RequireDirectory(string path) =>
        Directory.Exists(path) ? path : throw new DirectoryNotFoundException(
            $"conformance data not found at {Path.GetFullPath(path)}: clone the project with ../shared beside it");
}
