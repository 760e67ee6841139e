using Builder.Testing.Parity;

namespace Builder.EndToEnd.Tests.Parity;

/// <summary>What every folder of <c>testdata/parity</c> must have, so no case is compared with nothing.</summary>
public sealed class ParityCorpusTests
{
    public static TheoryData<string> Cases() => [.. ParityCase.All()];

    [Theory, MemberData(nameof(Cases))]
    public void Case_HasAComparison_GoldenOrDockerEngine(string name)
    {
        ParityCase parity = ParityCase.Load(name);
        if (parity.Base == "busybox")
            Assert.True(File.Exists(parity.GoldenPath), $"{name} has no golden: make it with scripts/parity-goldens.sh (README, Parity with BuildKit)");
        else
            Assert.True(parity.Docker2010Differs is null, $"{name} is built FROM {parity.Base}, which only the Docker engine comparison covers, yet it has a docker-20.10-differs file");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Case_Markers_SayWhy(string name)
    {
        ParityCase parity = ParityCase.Load(name);
        Assert.True(parity.Docker2010Differs is not { Length: 0 }, $"{name}/docker-20.10-differs is empty: say why Docker 20.10 is not compared");
        if (KnownDifference.Of(parity) is { } known) Assert.True(known.Diff.Length > 0, $"{name}/known-difference records no difference after 'diff:'");
    }
}
