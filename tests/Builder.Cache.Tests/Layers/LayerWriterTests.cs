using System.Security.Cryptography;
using System.Text;
using Builder.Cache.Layers;
using Builder.Oci;

namespace Builder.Cache.Tests.Layers;

public sealed class LayerWriterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    [InlineData(LayerCompression.Uncompressed)]
    public async Task WriteAsync_SameTreeTwice_SameDigests(LayerCompression compression)
    {
        string root = _temp.Sub("tree");
        SampleTree.CreateEveryEntryType(root);
        var options = new LayerWriteOptions { Compression = compression };

        (LayerWriteResult first, _) = await LayerTestIO.WriteAsync(LayerSource.FromDirectory(root), options);
        (LayerWriteResult second, _) = await LayerTestIO.WriteAsync(LayerSource.FromDirectory(root), options);

        Assert.Equal((first.Descriptor.Digest, first.Descriptor.Size, first.DiffId),
            (second.Descriptor.Digest, second.Descriptor.Size, second.DiffId));
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    public async Task WriteAsync_CompressionLevel1And9_GiveDifferentSizes(LayerCompression compression)
    {
        string root = _temp.Sub("tree");
        SampleTree.File(root, "words.txt", Words(200_000));

        (LayerWriteResult fast, _) = await LayerTestIO.WriteAsync(LayerSource.FromDirectory(root), new LayerWriteOptions { Compression = compression, CompressionLevel = 1 });
        (LayerWriteResult best, _) = await LayerTestIO.WriteAsync(LayerSource.FromDirectory(root), new LayerWriteOptions { Compression = compression, CompressionLevel = 9 });

        Assert.True(best.Descriptor.Size < fast.Descriptor.Size, $"level 9: {best.Descriptor.Size} bytes, level 1: {fast.Descriptor.Size} bytes");
        Assert.Equal(fast.DiffId, best.DiffId);
    }

    [Fact]
    public async Task WriteAsync_CompressionLevel_OverridesGzipLevel()
    {
        string root = _temp.Sub("tree");
        SampleTree.File(root, "words.txt", Words(50_000));

        (LayerWriteResult given, _) = await LayerTestIO.WriteAsync(LayerSource.FromDirectory(root), new LayerWriteOptions { CompressionLevel = 1, GzipLevel = 9 });
        (LayerWriteResult level1, _) = await LayerTestIO.WriteAsync(LayerSource.FromDirectory(root), new LayerWriteOptions { GzipLevel = 1 });

        Assert.Equal((level1.Descriptor.Digest, level1.Descriptor.Size), (given.Descriptor.Digest, given.Descriptor.Size));
    }

    [Theory]
    [InlineData(LayerCompression.Gzip, 10, "the gzip level must be 0 to 9, got 10")]
    [InlineData(LayerCompression.Zstd, 23, "the zstd level must be 0 to 22, got 23")]
    public async Task WriteAsync_CompressionLevelOutOfRange_Throws(LayerCompression compression, int level, string message)
    {
        string root = _temp.Sub("tree");
        SampleTree.File(root, "a.txt", "a");

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            LayerTestIO.WriteAsync(LayerSource.FromDirectory(root), new LayerWriteOptions { Compression = compression, CompressionLevel = level }));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    // Text that compresses, but better with more effort: words from a small vocabulary in a fixed pseudo-random order.
    private static string Words(int count)
    {
        string[] vocabulary = ["layer", "image", "manifest", "digest", "config", "build", "stage", "copy", "run", "from", "cache", "blob", "tar", "gzip", "zstd", "oci"];
        var random = new Random(42);
        var text = new StringBuilder();
        for (int i = 0; i < count; i++)
            text.Append(vocabulary[random.Next(vocabulary.Length)]).Append(random.Next(100)).Append(i % 13 == 0 ? '\n' : ' ');
        return text.ToString();
    }

    [Fact]
    public async Task WriteAsync_TreesDifferingInMtimesAfterEpoch_SameDigests()
    {
        var epoch = DateTimeOffset.FromUnixTimeSeconds(1_600_000_000);
        string a = _temp.Sub("a"), b = _temp.Sub("b");
        foreach (string root in new[] { a, b })
            SampleTree.File(root, "app/main.txt", "same content");
        SampleTree.SetTimes(a, 1_700_000_000);
        SampleTree.SetTimes(b, 1_800_000_000);
        var options = new LayerWriteOptions { SourceDateEpoch = epoch };

        (LayerWriteResult first, _) = await LayerTestIO.WriteAsync(LayerSource.FromDirectory(a), options);
        (LayerWriteResult second, _) = await LayerTestIO.WriteAsync(LayerSource.FromDirectory(b), options);

        Assert.Equal(first.Descriptor.Digest, second.Descriptor.Digest);
    }

    [Fact]
    public async Task WriteAsync_SourceDateEpoch_ClampsLaterMtimesAndKeepsEarlierOnes()
    {
        string root = _temp.Sub("tree");
        SampleTree.File(root, "new.txt", "n");
        SampleTree.File(root, "old.txt", "o");
        LinuxFileSystem.SetTimes(Path.Join(root, "new.txt"), 1_900_000_000, 500);
        LinuxFileSystem.SetTimes(Path.Join(root, "old.txt"), 1_000_000_000, 999_999_999);

        byte[] tar = await LayerTestIO.WriteTarAsync(LayerSource.FromDirectory(root), DateTimeOffset.FromUnixTimeSeconds(1_500_000_000));

        List<TarEntry> entries = await TarListing.ReadAsync(tar);
        Assert.Equal(1_500_000_000, entries.Single(e => e.Name == "new.txt").MTimeSeconds);
        Assert.Equal(1_000_000_000, entries.Single(e => e.Name == "old.txt").MTimeSeconds);
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    [InlineData(LayerCompression.Uncompressed)]
    public async Task WriteAsync_AnyCompression_DigestsAndSizesDescribeTheBytes(LayerCompression compression)
    {
        string root = _temp.Sub("tree");
        SampleTree.CreateEveryEntryType(root);
        string blobPath = Path.Join(_temp.Path, "blob");

        LayerWriteResult result = await LayerWriter.WriteToFileAsync(
            LayerSource.FromDirectory(root), blobPath, new LayerWriteOptions { Compression = compression });

        byte[] blob = File.ReadAllBytes(blobPath);
        string tarPath = Path.Join(_temp.Path, "blob.tar");
        ProcessRunner.Run("sh", "-c", compression switch
        {
            LayerCompression.Gzip => $"gzip -dc < {blobPath} > {tarPath}",
            LayerCompression.Zstd => $"zstd -dc < {blobPath} > {tarPath}",
            _ => $"cp {blobPath} {tarPath}",
        });
        byte[] tar = File.ReadAllBytes(tarPath);
        Assert.Equal(Digest.Sha256Of(blob), result.Descriptor.Digest);
        Assert.Equal(blob.Length, result.Descriptor.Size);
        Assert.Equal(Digest.Sha256Of(tar), result.DiffId);
        Assert.Equal(tar.Length, result.UncompressedSize);
    }

    [Theory]
    [InlineData(LayerFlavor.Oci, LayerCompression.Gzip, MediaTypes.OciLayerGzip)]
    [InlineData(LayerFlavor.Oci, LayerCompression.Zstd, MediaTypes.OciLayerZstd)]
    [InlineData(LayerFlavor.Oci, LayerCompression.Uncompressed, MediaTypes.OciLayerTar)]
    [InlineData(LayerFlavor.Docker, LayerCompression.Gzip, MediaTypes.DockerLayerGzip)]
    [InlineData(LayerFlavor.Docker, LayerCompression.Uncompressed, "application/vnd.docker.image.rootfs.diff.tar")]
    public async Task WriteAsync_FlavorAndCompression_DescriptorHasMatchingMediaType(LayerFlavor flavor, LayerCompression compression, string mediaType)
    {
        string root = _temp.Sub("tree");
        SampleTree.File(root, "a", "a");

        (LayerWriteResult result, _) = await LayerTestIO.WriteAsync(
            LayerSource.FromDirectory(root), new LayerWriteOptions { Flavor = flavor, Compression = compression });

        Assert.Equal(mediaType, result.Descriptor.MediaType);
    }

    [Fact]
    public async Task WriteAsync_DockerFlavorWithZstd_ThrowsNamingOciFlavor()
    {
        string root = _temp.Sub("tree");

        var e = await Assert.ThrowsAsync<ArgumentException>(() => LayerTestIO.WriteAsync(
            LayerSource.FromDirectory(root), new LayerWriteOptions { Flavor = LayerFlavor.Docker, Compression = LayerCompression.Zstd }));

        Assert.Contains("LayerFlavor.Oci", e.Message);
    }

    [Fact]
    // Go's filepath.Walk order (containerd): each directory's names sorted, depth first, so "a/b" before "a-c".
    public async Task WriteAsync_Tree_EntriesInWalkOrderWithParentsFirstAndDirectorySlash()
    {
        string root = _temp.Sub("tree");
        foreach (string path in new[] { "b/z", "a-c", "a/b", "B", "a/a/x" })
            SampleTree.File(root, path, "x");

        List<TarEntry> entries = await TarListing.ReadAsync(await LayerTestIO.WriteTarAsync(LayerSource.FromDirectory(root)));

        Assert.Equal(["B", "a/", "a/a/", "a/a/x", "a/b", "a-c", "b/", "b/z"], entries.Select(e => e.Name));
    }

    [Fact]
    public async Task WriteAsync_SecondPathOfAnInode_IsHardLinkToFirst()
    {
        string root = _temp.Sub("tree");
        SampleTree.File(root, "bin/tool", "tool");
        LinuxFileSystem.Link(Path.Join(root, "bin/tool"), Path.Join(root, "bin/alias"));

        List<TarEntry> entries = await TarListing.ReadAsync(await LayerTestIO.WriteTarAsync(LayerSource.FromDirectory(root)));

        TarEntry alias = entries.Single(e => e.Name == "bin/alias");
        TarEntry tool = entries.Single(e => e.Name == "bin/tool");
        Assert.Equal((TarEntryType.RegularFile, 4L), (alias.Type, alias.Size)); // "alias" sorts first
        Assert.Equal((TarEntryType.HardLink, "bin/alias", 0L), (tool.Type, tool.LinkName, tool.Size));
    }

    [Fact]
    public async Task WriteAsync_LongAndNonAsciiNames_KeptInPaxRecordsThatGnuTarReads()
    {
        string root = _temp.Sub("tree");
        string longName = string.Join('/', Enumerable.Repeat("directory-name-of-forty-characters-long", 5)) + "/file.txt";
        const string unicodeName = "données/日本語-ファイル.txt";
        SampleTree.File(root, longName, "long");
        SampleTree.File(root, unicodeName, "unicode");
        System.IO.File.CreateSymbolicLink(Path.Join(root, "link"), "../" + longName);
        string tarPath = Path.Join(_temp.Path, "layer.tar");
        await LayerWriter.WriteToFileAsync(LayerSource.FromDirectory(root), tarPath,
            new LayerWriteOptions { Compression = LayerCompression.Uncompressed });

        string listing = ProcessRunner.Run("tar", "-tvf", tarPath);

        Assert.Contains(longName, listing);
        Assert.Contains(unicodeName, listing);
        Assert.Contains("link -> ../" + longName, listing);
    }

    [Fact]
    public async Task Encode_SizeAbove8GiB_WritesPaxSizeRecordThatReaderUses()
    {
        const long size = 9L << 30;
        byte[] header = TarHeaderWriter.Encode(new TarEntry("huge.img", TarEntryType.RegularFile) { Size = size, Mode = 0x1A4 });

        Assert.Contains("size=9663676416\n", Encoding.ASCII.GetString(header));
        TarEntry? read = await new TarEntryReader(new MemoryStream(header)).ReadNextAsync(CancellationToken.None);
        Assert.Equal(size, read!.Size);
    }

    [Fact]
    public async Task WriteAsync_Xattrs_WrittenAsSchilyRecords()
    {
        string root = _temp.Sub("tree");
        SampleTree.File(root, "f", "f");
        LinuxFileSystem.SetXattr(Path.Join(root, "f"), "user.mime_type", "text/plain"u8.ToArray());

        byte[] tar = await LayerTestIO.WriteTarAsync(LayerSource.FromDirectory(root));

        Assert.Contains("SCHILY.xattr.user.mime_type=text/plain\n", Encoding.ASCII.GetString(tar));
    }

    [Fact]
    public async Task WriteAsync_Tar_HasNumericOwnersOnlyAndNoAccessOrChangeTimes()
    {
        string root = _temp.Sub("tree");
        SampleTree.CreateEveryEntryType(root);

        byte[] tar = await LayerTestIO.WriteTarAsync(LayerSource.FromDirectory(root));

        string text = Encoding.ASCII.GetString(tar);
        Assert.DoesNotContain("atime=", text);
        Assert.DoesNotContain("ctime=", text);
        Assert.DoesNotContain("root", text); // no uname/gname
    }

    [Fact]
    public async Task WriteAsync_UncompressedTar_GnuTarListsEveryType()
    {
        string root = _temp.Sub("tree");
        SampleTree.CreateEveryEntryType(root);
        string tarPath = Path.Join(_temp.Path, "layer.tar");
        await LayerWriter.WriteToFileAsync(LayerSource.FromDirectory(root), tarPath,
            new LayerWriteOptions { Compression = LayerCompression.Uncompressed });

        string[] lines = ProcessRunner.Run("tar", "--numeric-owner", "-tvf", tarPath).Split('\n');
        string Line(string end) => lines.Single(l => l.EndsWith(" " + end, StringComparison.Ordinal)
            && l.Contains(" link to ", StringComparison.Ordinal) == end.Contains(" link to ", StringComparison.Ordinal));

        Assert.StartsWith("crw-rw-rw- 0/0", Line("dev/null"));
        Assert.StartsWith("brw-rw----", Line("dev/loop9"));
        Assert.StartsWith("prw-------", Line("dev/initctl"));
        Assert.StartsWith("-rwsr-xr-x", Line("usr/bin/setuid-alias"));
        Assert.StartsWith("hrwsr-xr-x", Line("usr/bin/setuid-tool link to usr/bin/setuid-alias"));
        Assert.StartsWith("drwxrwsr-x", Line("srv/shared/"));
        Assert.StartsWith("drwxrwxrwt", Line("tmp/"));
        Assert.StartsWith("-rw-r--r-- 1234/5678", Line("home/app/data.bin"));
        Assert.Contains(lines, l => l.Contains("etc/localtime -> ../usr/share/zoneinfo/UTC"));
    }

    [Fact]
    public async Task WriteAsync_UncompressedTar_GnuTarExtractsSameTree()
    {
        string root = _temp.Sub("tree"), extracted = _temp.Sub("extracted");
        SampleTree.CreateEveryEntryType(root);
        string tarPath = Path.Join(_temp.Path, "layer.tar");
        await LayerWriter.WriteToFileAsync(LayerSource.FromDirectory(root), tarPath,
            new LayerWriteOptions { Compression = LayerCompression.Uncompressed });

        ProcessRunner.Run("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpf", tarPath, "-C", extracted);

        Assert.Equal(TreeSnapshot.Of(root), TreeSnapshot.Of(extracted));
    }

    [Theory]
    [InlineData(LayerCompression.Gzip, "gzip")]
    [InlineData(LayerCompression.Zstd, "zstd")]
    public async Task WriteAsync_CompressedSeveralBlocks_PassesTheToolsIntegrityTest(LayerCompression compression, string tool)
    {
        string root = _temp.Sub("tree");
        byte[] random = RandomNumberGenerator.GetBytes(3 << 20); // several 1 MiB gzip members
        SampleTree.File(root, "random.bin", "");
        File.WriteAllBytes(Path.Join(root, "random.bin"), random);
        SampleTree.File(root, "text.txt", string.Concat(Enumerable.Repeat("compressible text ", 200_000)));
        string blobPath = Path.Join(_temp.Path, "blob");
        await LayerWriter.WriteToFileAsync(LayerSource.FromDirectory(root), blobPath, new LayerWriteOptions { Compression = compression });

        (int exit, _, string stderr) = ProcessRunner.TryRun(tool, "-t", blobPath);

        Assert.True(exit == 0, stderr);
    }

    [Fact]
    public async Task WriteAsync_GzipOfSeveralBlocks_GnuTarReadsMultiMemberStream()
    {
        string root = _temp.Sub("tree"), extracted = _temp.Sub("extracted");
        SampleTree.File(root, "big.txt", string.Concat(Enumerable.Range(0, 300_000).Select(i => $"line {i}\n")));
        SampleTree.File(root, "after.txt", "after");
        string blobPath = Path.Join(_temp.Path, "blob.tar.gz");
        await LayerWriter.WriteToFileAsync(LayerSource.FromDirectory(root), blobPath);

        ProcessRunner.Run("tar", "-xzf", blobPath, "-C", extracted);

        Assert.Equal(TreeSnapshot.Of(root, withDirectoryTimes: false), TreeSnapshot.Of(extracted, withDirectoryTimes: false));
    }
}
