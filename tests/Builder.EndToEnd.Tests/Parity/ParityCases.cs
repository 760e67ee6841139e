namespace Builder.EndToEnd.Tests.Parity;

/// <summary>One row per folder of <c>testdata/parity</c>.</summary>
public sealed class ParityCases : TheoryData<string>
{
    public ParityCases()
    {
        foreach (string folder in Directory.GetDirectories(ParityCase.CasesFolder).Order(StringComparer.Ordinal))
            Add(Path.GetFileName(folder));
    }
}
