using Builder.Frontend.Tests.Conformance;
using Xunit;

namespace Builder.Frontend.Tests.Checks;

/// <summary>One row per folder of testdata/checks: a Dockerfile and the lint result BuildKit v0.24 gave for it.</summary>
public sealed class CheckGoldenCases : TheoryData<string>
{
    public static string Folder => RepositoryPaths.RequireDirectory(Path.Combine(RepositoryPaths.TestData, "checks"));

    public CheckGoldenCases()
    {
        foreach (string directory in Directory.GetDirectories(Folder).Order(StringComparer.Ordinal))
            Add(Path.GetFileName(directory));
    }
}
