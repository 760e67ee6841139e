using System.Text;
using Builder.Cache.Layers;
using Builder.Cache.Tests.Layers;

namespace Builder.Cache.Tests.Fuzzing;

/// <summary>What <see cref="LayerFuzzTests"/> found, one case each: malformed layers refused with a LayerFormatException.</summary>
public sealed class LayerFuzzFindingsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static async Task ReadAllAsync(byte[] tar)
    {
        var reader = new TarEntryReader(new MemoryStream(tar));
        while (await reader.ReadNextAsync(CancellationToken.None) is not null)
            await reader.CopyContentAsync(Stream.Null, CancellationToken.None);
    }

    // A PAX extended header ('x') whose content is <paramref name="records"/>, as written, then nothing more.
    private static byte[] PaxHeaderOnly(byte[] records, int declaredSize)
    {
        byte[] header = TarHeaderWriter.Encode(new TarEntry("PaxHeaders.0/f", (TarEntryType)'x') { Size = declaredSize });
        byte[] padded = new byte[TarHeaderWriter.Pad(records.Length)];
        records.CopyTo(padded, 0);
        return [.. header, .. padded];
    }

    [Fact]
    public async Task Read_StreamEndingInsideAnExtendedHeader_IsALayerFormatException()
    {
        byte[] tar = PaxHeaderOnly("20 path=some/file\n"u8.ToArray(), declaredSize: 4096);

        var e = await Assert.ThrowsAsync<LayerFormatException>(() => ReadAllAsync(tar));

        Assert.Contains("ends inside an extended header", e.Message);
    }

    [Fact]
    public async Task Read_PaxRecordLengthNearIntMax_IsALayerFormatException()
    {
        // After a first record, position + length used to overflow past the bounds check, then index outside the data.
        byte[] records = Encoding.ASCII.GetBytes("7 a=bc\n2147483647 path=x\n");
        byte[] tar = PaxHeaderOnly(records, records.Length);

        var e = await Assert.ThrowsAsync<LayerFormatException>(() => ReadAllAsync(tar));

        Assert.Contains("malformed PAX", e.Message);
    }

    [Fact]
    public async Task Apply_UserXattrOnAFifo_IsALayerFormatExceptionNamingTheEntry()
    {
        // Linux refuses user.* xattrs on special files (EPERM): the layer, not the host, is at fault.
        var fifo = new TarEntry("dev/pipe", TarEntryType.Fifo)
        {
            Mode = 0x180, Xattrs = new SortedDictionary<string, byte[]>(StringComparer.Ordinal) { ["user.comment"] = "x"u8.ToArray() },
        };

        var e = await Assert.ThrowsAsync<LayerFormatException>(() => LayerTestIO.ApplyAsync(TarListing.Build(fifo), _temp.Sub("root")));

        Assert.Equal("dev/pipe", e.EntryName);
        Assert.Contains("lsetxattr user.comment", e.Message);
    }

    [Fact]
    public async Task Apply_SymlinkWithoutTarget_IsALayerFormatExceptionNamingTheEntry()
    {
        var link = new TarEntry("empty-link", TarEntryType.SymbolicLink) { Mode = 0x1FF, LinkName = "" };

        var e = await Assert.ThrowsAsync<LayerFormatException>(() => LayerTestIO.ApplyAsync(TarListing.Build(link), _temp.Sub("root")));

        Assert.Equal("empty-link", e.EntryName);
    }
}
