using System.Globalization;

namespace Builder.Testing;

/// <summary>
/// How long the fuzz tests run. CI runs each with its default count from seed 20261122, so a run is the same every
/// time; scripts/fuzz.sh sets <c>IMGBUILD_FUZZ_ITERATIONS</c> (inputs per fuzz test) and <c>IMGBUILD_FUZZ_SEED</c>
/// for longer or different runs.
/// </summary>
public static class FuzzSettings
{
    /// <summary>The seed of every fuzz test's generator.</summary>
    public static int Seed => Number("IMGBUILD_FUZZ_SEED") ?? 20261122;

    /// <summary>The inputs a fuzz test tries: <paramref name="defaultCount"/> unless the environment says.</summary>
    public static int Iterations(int defaultCount) => Number("IMGBUILD_FUZZ_ITERATIONS") ?? defaultCount;

    private static int? Number(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text
            ? int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture)
            : null;
}
