using Builder.Frontend.Diagnostics;
using Builder.Frontend.Tests.Fuzzing;
using Builder.Testing;
using Xunit.Abstractions;

namespace Builder.Frontend.Tests.Conformance;

/// <summary>
/// The fuzz property (only <see cref="DockerfileException"/>, whatever the input) with inputs made from BuildKit's
/// parser test files: odd corners its authors wrote down, which our own Dockerfiles do not reach.
/// </summary>
public sealed class BuildKitParserFuzzTests(ITestOutputHelper output)
{
    private const int DefaultIterations = 2_500;

    [Fact]
    public void Frontend_MutatedBuildKitTestfiles_ThrowsOnlyDockerfileException() =>
        FrontendFuzzer.Run("BuildKit's parser test files",
            FrontendFuzzer.Read(Directory.GetDirectories(RepositoryPaths.RequireDirectory(BuildKitParserCases.Folder)).Select(dir => Path.Combine(dir, "Dockerfile"))),
            FuzzSettings.Iterations(DefaultIterations), output);
}
