using Builder.Cache.Images;
using Builder.Oci;

namespace Builder.Cache.Tests.Images;

public sealed class HistoryTimesTests
{
    private static readonly DateTimeOffset BaseTime = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Early = new(2026, 11, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Late = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static ImageLayer Layer(string name, DateTimeOffset? created) =>
        new(new Descriptor(MediaTypes.OciLayerGzip, Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(name)), 1), Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes("diff" + name)))
        {
            Created = created,
        };

    [Fact]
    public void Stamp_LayerEntriesGetTheirLayersTime_OthersAndTheConfigTheNewest()
    {
        ImageConfig config = ImageConfig.Empty(Platform.Parse("linux/amd64")) with
        {
            Created = BaseTime,
            History =
            [
                new HistoryEntry { CreatedBy = "base", Created = BaseTime },
                new HistoryEntry { CreatedBy = "RUN a" },
                new HistoryEntry { CreatedBy = "ENV x=1", EmptyLayer = true },
                new HistoryEntry { CreatedBy = "RUN b" },
                new HistoryEntry { CreatedBy = "LABEL l=1", EmptyLayer = true },
            ],
        };

        ImageConfig stamped = HistoryTimes.Stamp(config, [Layer("base", null), Layer("a", Early), Layer("b", Late)], Now);

        Assert.Equal([BaseTime, Early, Late, Late, Late], stamped.History.Select(h => h.Created!.Value));
        Assert.Equal(Late, stamped.Created);
    }

    [Fact]
    public void Stamp_NoNewLayer_UsesNow()
    {
        ImageConfig config = ImageConfig.Empty(Platform.Parse("linux/amd64")) with
        {
            History = [new HistoryEntry { CreatedBy = "ENV x=1", EmptyLayer = true }],
        };

        ImageConfig stamped = HistoryTimes.Stamp(config, [], Now);

        Assert.Equal(Now, stamped.History[0].Created);
        Assert.Equal(Now, stamped.Created);
    }

    [Fact]
    public void Stamp_WithSourceDateEpoch_NewEntriesAndCreatedGetTheEpoch_BaseEntriesKeepTheirs()
    {
        DateTimeOffset epoch = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        ImageConfig config = ImageConfig.Empty(Platform.Parse("linux/amd64")) with
        {
            History = [new HistoryEntry { CreatedBy = "base", Created = BaseTime }, new HistoryEntry { CreatedBy = "RUN a" }],
        };

        ImageConfig stamped = HistoryTimes.Stamp(config, [Layer("base", null), Layer("a", Late)], Now, epoch);

        Assert.Equal([BaseTime, epoch], stamped.History.Select(h => h.Created!.Value));
        Assert.Equal(epoch, stamped.Created);
    }
}
