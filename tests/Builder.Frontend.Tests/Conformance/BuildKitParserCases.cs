namespace Builder.Frontend.Tests.Conformance;

/// <summary>One row per folder of BuildKit's parser test files (../shared/conformance/buildkit/parser).</summary>
public sealed class BuildKitParserCases : TheoryData<string>
{
    public static string Folder => Path.Combine(RepositoryPaths.BuildKitConformance, "parser", "testfiles");

    public BuildKitParserCases()
    {
        foreach (string dir in Directory.GetDirectories(RepositoryPaths.RequireDirectory(Folder)).Order(StringComparer.Ordinal))
        {
            Add(Path.GetFileName(dir));
        }
    }
}

/// <summary>One row per folder of BuildKit's negative parser test files.</summary>
public sealed class BuildKitNegativeParserCases : TheoryData<string>
{
    public static string Folder => Path.Combine(RepositoryPaths.BuildKitConformance, "parser", "testfiles-negative");

    public BuildKitNegativeParserCases()
    {
        foreach (string dir in Directory.GetDirectories(RepositoryPaths.RequireDirectory(Folder)).Order(StringComparer.Ordinal))
        {
            Add(Path.GetFileName(dir));
        }
    }
}
