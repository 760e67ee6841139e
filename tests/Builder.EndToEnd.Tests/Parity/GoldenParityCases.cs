using Builder.Testing.Parity;

namespace Builder.EndToEnd.Tests.Parity;

/// <summary>One row per folder of <c>testdata/parity</c> with a <c>golden</c> file (every busybox case: <see cref="ParityCorpusTests"/>).</summary>
public sealed class GoldenParityCases : TheoryData<string>
{
    public GoldenParityCases()
    {
        foreach (string name in ParityCase.All())
            if (File.Exists(ParityCase.Load(name).GoldenPath)) Add(name);
    }
}
