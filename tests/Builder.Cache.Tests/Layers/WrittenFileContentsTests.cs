using System.Text;
using Builder.Cache.Layers;

namespace Builder.Cache.Tests.Layers;

/// <summary>A layer written from the bytes a step kept in memory, and only while the file is still the one it wrote.</summary>
public sealed class WrittenFileContentsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _upper;
    private readonly long _modified;

    public WrittenFileContentsTests()
    {
        _upper = _temp.Sub("upper");
        SampleTree.File(_upper, "src/a.txt", "on disk");
        SampleTree.SetTimes(_upper, SampleTree.OldTime);
        FileStatus status = LinuxFileSystem.LStat(Path.Join(_upper, "src/a.txt"));
        _modified = status.MTimeSeconds * 1_000_000_000 + status.MTimeNanoseconds;
    }

    public void Dispose() => _temp.Dispose();

    private static void Keep(WrittenFileContents written, string path, string content, long modified)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(content);
        Memory<byte> room = written.Reserve(bytes.Length);
        bytes.CopyTo(room);
        written.Add(path, room, bytes.Length, modified);
    }

    private async Task<string> ContentInLayerAsync(WrittenFileContents? written)
    {
        byte[] tar = await LayerTestIO.WriteTarAsync(LayerSource.FromOverlayUpper(_upper, written));
        List<TarEntry> entries = await TarListing.ReadAsync(tar);
        Assert.Equal(["src/", "src/a.txt"], entries.Select(e => e.Name));
        // The listing keeps no content: find the file's bytes after its header.
        int header = Encoding.ASCII.GetString(tar).IndexOf("src/a.txt", StringComparison.Ordinal);
        return Encoding.UTF8.GetString(tar, header + TarHeaderWriter.BlockSize, (int)entries[1].Size);
    }

    [Fact]
    public async Task FromOverlayUpper_FileKeptAsWritten_TakesTheKeptBytesNotTheFile()
    {
        var written = new WrittenFileContents();
        Keep(written, "src/a.txt", "in room", _modified); // same size and time: only the source of the bytes tells

        Assert.Equal("in room", await ContentInLayerAsync(written));
    }

    [Fact]
    public async Task FromOverlayUpper_FileChangedAfterItWasKept_ReadsTheFile()
    {
        var written = new WrittenFileContents();
        Keep(written, "src/a.txt", "in room", _modified + 1);

        Assert.Equal("on disk", await ContentInLayerAsync(written));
    }

    [Fact]
    public async Task FromOverlayUpper_FileForgotten_ReadsTheFile()
    {
        var written = new WrittenFileContents();
        Keep(written, "src/a.txt", "in room", _modified);
        written.Remove("src/a.txt");

        Assert.Equal("on disk", await ContentInLayerAsync(written));
    }

    [Fact]
    public void Reserve_BeyondTheBudget_GivesNoRoom()
    {
        var written = new WrittenFileContents(budget: 4 << 20);
        Memory<byte> first = written.Reserve(3 << 20);
        written.Add("a", first, 3 << 20, 0);

        Assert.True(written.Reserve(2 << 20).IsEmpty);
        Assert.Equal(1024 + 1, written.Reserve(1024).Length);
    }
}
