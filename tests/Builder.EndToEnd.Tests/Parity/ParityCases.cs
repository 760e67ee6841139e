namespace Builder.EndToEnd.Tests.Parity;

/// <summary>
/// One row per folder of <c>testdata/parity</c>, except those with a <c>docker-20.10-differs</c> file: there the
/// Docker engine's BuildKit (Docker 20.10) differs from BuildKit v0.24, the behaviour imgbuild follows, and the file
/// says how.
/// </summary>
public sealed class ParityCases : TheoryData<string>
{
    public ParityCases()
    {
        foreach (string folder in Directory.GetDirectories(ParityCase.CasesFolder).Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(folder, ParityCase.Docker2010DiffersFile))) Add(Path.GetFileName(folder));
        }
    }
}
