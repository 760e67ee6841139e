using Builder.Cache.BuildCache;
using Builder.Oci;

namespace Builder.Cache.Tests.BuildCache;

/// <summary>The recipes and context listings kept to explain cache misses: read back as written, newest first, bounded.</summary>
public sealed class StepRecipeIndexTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("imgbuild-recipes-").FullName;

    private static Digest D(string text) => Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(text));

    private static StepRecipe Recipe(string key) => new(D(key).ToString(), [new("args", "0123456789abcdef"), new("env:A", "fedcba9876543210")],
        [new StepRecipe.Input("image", "busybox@sha256:…", D("base").ToString()), new StepRecipe.Input("context", "context", D("ctx" + key).ToString())], "", 42);

    [Fact]
    public void Add_KeepsTheNewestVariantsFirst_AndReadsThemBackAsWritten()
    {
        var index = new StepRecipeIndex(_directory);
        foreach (string key in new[] { "1", "2", "3", "4", "5" }) index.Add(D("shape"), Recipe(key));

        var kept = index.Find(D("shape"));

        Assert.Equal([D("5").ToString(), D("4").ToString(), D("3").ToString(), D("2").ToString()], kept.Select(r => r.CacheKey));
        Assert.Equal(Recipe("5").Parts.ToArray(), kept[0].Parts.ToArray());
        Assert.Equal(Recipe("5").Inputs.ToArray(), kept[0].Inputs.ToArray());
        Assert.Empty(index.Find(D("other shape")));
    }

    [Fact]
    public void AddListing_ReadsBackEveryPathAndDigest_AndKeepsFourPerContextStep()
    {
        var index = new StepRecipeIndex(_directory);
        KeyValuePair<string, ulong>[] listing = [.. Enumerable.Range(0, 500).Select(i => new KeyValuePair<string, ulong>($"src/mod_{i / 50:D2}/file_{i:D4}.c", (ulong)i * 7919))];
        for (int i = 0; i < 6; i++)
        {
            index.AddListing(D("context step"), D("content" + i).ToString(), () => listing);
            File.SetLastWriteTimeUtc(Directory.GetFiles(Path.Combine(_directory, "explain"), "context-*").OrderBy(File.GetLastWriteTimeUtc).Last(), DateTime.UtcNow.AddMinutes(i - 10));
        }

        Assert.Equal(listing, index.FindListing(D("context step"), D("content5").ToString())!.OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.Null(index.FindListing(D("context step"), D("content0").ToString()));
        Assert.Equal(StepRecipeIndex.VariantsPerShape, Directory.GetFiles(Path.Combine(_directory, "explain"), "context-*").Length);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
