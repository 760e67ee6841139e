using Builder.Frontend.Diagnostics;
using Builder.Frontend.Tests.Conformance;
using Builder.Testing;
using Xunit.Abstractions;

namespace Builder.Frontend.Tests.Fuzzing;

/// <summary>
/// Property: whatever the input, the frontend either succeeds or throws <see cref="DockerfileException"/>, never
/// anything else; inputs are made from the repository's own Dockerfiles (examples, parity cases, test builds), so this
/// runs from any clone. The same property over BuildKit's parser test files is a conformance test
/// (<see cref="BuildKitParserFuzzTests"/>), since that corpus lives in ../shared.
/// </summary>
public sealed class DockerfileFuzzTests(ITestOutputHelper output)
{
    private const int DefaultIterations = 7_500;

    [Fact]
    public void Frontend_MutatedAndRandomInput_ThrowsOnlyDockerfileException() =>
        FrontendFuzzer.Run("testdata", FrontendFuzzer.Read(Directory.EnumerateFiles(RepositoryPaths.TestData, "Dockerfile*", SearchOption.AllDirectories)),
            FuzzSettings.Iterations(DefaultIterations), output);
}
