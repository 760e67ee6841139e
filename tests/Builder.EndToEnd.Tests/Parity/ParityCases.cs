using Builder.Testing.Parity;

namespace Builder.EndToEnd.Tests.Parity;

/// <summary>
/// One row per folder of <c>testdata/parity</c> that the Docker engine's BuildKit (Docker 20.10) is compared on: every
/// case but those with a <c>docker-20.10-differs</c> file, which says why (<see cref="ParityCorpusTests"/> lists them).
/// </summary>
public sealed class ParityCases : TheoryData<string>
{
    public ParityCases()
    {
        foreach (string name in ParityCase.All())
            if (ParityCase.Load(name).Docker2010Differs is null) Add(name);
    }
}
