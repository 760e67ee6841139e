using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using Builder.Cache.Layers;
using Builder.Cache.Tests.Layers;
using Builder.Testing;
using ProcessRunner = Builder.Cache.Tests.Layers.ProcessRunner;
using Builder.Testing.Images;
using Xunit.Abstractions;

namespace Builder.Cache.Tests.Fuzzing;

/// <summary>
/// Property: whatever the bytes, reading a layer (<see cref="TarEntryReader"/>) or applying it
/// (<see cref="LayerApplier"/>, into a root with room above it) either succeeds or throws
/// <see cref="LayerFormatException"/>, and never writes outside the root. Inputs are real layer tars (every entry
/// type, GNU and PAX long names, the busybox image's layer) with their header blocks mutated, from a fixed seed.
/// <c>IMGBUILD_FUZZ_ITERATIONS</c> runs more (scripts/fuzz.sh); a failure prints the input as base64.
/// </summary>
public sealed class LayerFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int DefaultIterations = 3_000;
    private const int ApplyEvery = 8; // applying writes files, so only some inputs are applied; all are read

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Layer_MutatedHeaders_ThrowOnlyLayerFormatExceptionAndStayInTheRoot()
    {
        int iterations = FuzzSettings.Iterations(DefaultIterations);
        var random = new Random(FuzzSettings.Seed);
        byte[][] corpus = await CorpusAsync();
        int rejected = 0;
        (double Milliseconds, string Input) slowest = (0, "");
        for (int i = 0; i < iterations; i++)
        {
            byte[] input = Mutate(corpus[random.Next(corpus.Length)], random);
            var watch = Stopwatch.StartNew();
            if (!await ReadAsync(input)) rejected++;
            if (i % ApplyEvery == 0) await ApplyAsync(input, i);
            if (watch.Elapsed.TotalMilliseconds > slowest.Milliseconds) slowest = (watch.Elapsed.TotalMilliseconds, Convert.ToBase64String(input[..Math.Min(input.Length, 64)]));
        }
        output.WriteLine($"layer fuzz: seed {FuzzSettings.Seed}, {iterations} inputs ({iterations / ApplyEvery + 1} applied), " +
            $"{rejected} rejected with a LayerFormatException, 0 foreign exceptions, slowest {slowest.Milliseconds:F1} ms");
    }

    private static async Task<bool> ReadAsync(byte[] input)
    {
        try
        {
            var reader = new TarEntryReader(new MemoryStream(input));
            while (await reader.ReadNextAsync(CancellationToken.None) is not null)
                await reader.CopyContentAsync(Stream.Null, CancellationToken.None);
            return true;
        }
        catch (LayerFormatException e)
        {
            Assert.False(string.IsNullOrEmpty(e.Message));
            return false;
        }
        catch (Exception e)
        {
            Assert.Fail($"read: {e.GetType().Name}: {e.Message}\ninput: {Convert.ToBase64String(input)}\n{e.StackTrace}");
            return false;
        }
    }

    private async Task ApplyAsync(byte[] input, int iteration)
    {
        // The root sits two levels down, so an escape has somewhere to land and is seen.
        string top = _temp.Sub($"apply-{iteration}");
        string root = Directory.CreateDirectory(Path.Join(top, "a", "b", "root")).FullName;
        try
        {
            await LayerApplier.ApplyAsync(new MemoryStream(input), root);
        }
        catch (LayerFormatException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"apply: {e.GetType().Name}: {e.Message}\ninput: {Convert.ToBase64String(input)}\n{e.StackTrace}");
        }
        string[] outside = [.. Directory.EnumerateFileSystemEntries(top, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(p => !p.StartsWith(root, StringComparison.Ordinal) && p != Path.Join(top, "a") && p != Path.Join(top, "a", "b"))];
        Assert.True(outside.Length == 0, $"applying wrote outside the root: {string.Join(", ", outside)}\ninput: {Convert.ToBase64String(input)}");
        ProcessRunner.Run("rm", "-rf", top);
    }

    // Tar header fields (offset, length): name, mode, uid, gid, size, mtime, checksum, type, link name, magic,
    // version, device major and minor, prefix.
    private static readonly (int Offset, int Length)[] Fields =
        [(0, 100), (100, 8), (108, 8), (116, 8), (124, 12), (136, 12), (148, 8), (156, 1), (157, 100), (257, 6), (263, 2), (329, 8), (337, 8), (345, 155)];

    private static readonly string[] Values =
    [
        "../../escape", "/abs/../../x", "a/../../../x", ".wh..wh..opq", ".wh.x", "77777777777", "\x80\xff\xff\xff\xff\xff\xff\xff",
        "\xff\xff\xff\xff\xff\xff\xff\xff", "-1", "0", "5", "L", "K", "x", "g", "1", "2", "3", "4", "5", "6", "ustar\0", "ustar ",
        "99999999999999999999 path=x\n", "30 path=../../../../escape\n", "18 size=-5\n", "20 linkpath=/etc\n", "",
    ];

    private static byte[] Mutate(byte[] tar, Random random)
    {
        byte[] data = (byte[])tar.Clone();
        int blocks = data.Length / 512;
        int edits = random.Next(1, 6);
        for (int e = 0; e < edits && blocks > 0; e++)
        {
            int block = HeaderBlock(data, random) * 512;
            (int offset, int length) = Fields[random.Next(Fields.Length)];
            switch (random.Next(6))
            {
                case 0: // a chosen value in a field, then the checksum fixed so the header is read
                case 1:
                    byte[] value = Encoding.Latin1.GetBytes(Values[random.Next(Values.Length)]);
                    Array.Clear(data, block + offset, length);
                    value.AsSpan(0, Math.Min(value.Length, length)).CopyTo(data.AsSpan(block + offset));
                    if (random.Next(4) != 0) FixChecksum(data, block);
                    break;
                case 2: // random bytes in a field
                    random.NextBytes(data.AsSpan(block + offset, length));
                    if (random.Next(2) == 0) FixChecksum(data, block);
                    break;
                case 3: // a random byte anywhere
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                    break;
                case 4: // cut short
                    data = data[..random.Next(data.Length)];
                    blocks = data.Length / 512;
                    break;
                default: // a header block repeated, as a duplicate entry or inside content
                    byte[] copy = data[block..(block + 512)];
                    int at = random.Next(blocks) * 512;
                    data = [.. data[..at], .. copy, .. data[at..]];
                    blocks++;
                    break;
            }
        }
        return data;
    }

    // A block that holds a header more often than not: tar checksums at offset 148 tell them apart.
    private static int HeaderBlock(byte[] data, Random random)
    {
        int blocks = data.Length / 512;
        for (int attempt = 0; attempt < 8; attempt++)
        {
            int block = random.Next(blocks);
            if (data.AsSpan(block * 512 + 257, 5).SequenceEqual("ustar"u8)) return block;
        }
        return random.Next(blocks);
    }

    private static void FixChecksum(byte[] data, int block)
    {
        long sum = 0;
        for (int i = 0; i < 512; i++) sum += i is >= 148 and < 156 ? (byte)' ' : data[block + i];
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(data, block + 148);
    }

    private async Task<byte[][]> CorpusAsync()
    {
        RequiredTool.RequireRoot();
        var corpus = new List<byte[]>();
        string tree = _temp.Sub("tree");
        SampleTree.CreateEveryEntryType(tree);
        corpus.Add(await LayerTestIO.WriteTarAsync(new DirectoryLayerSource(tree)));
        // Names past ustar's 100 and 155 bytes, so GNU tar writes L/K records and PAX path/linkpath records.
        string deep = string.Join('/', Enumerable.Range(0, 12).Select(i => $"directory-with-a-long-name-{i}"));
        SampleTree.File(tree, deep + "/file", "content");
        File.CreateSymbolicLink(Path.Join(tree, "long-link"), deep + "/file");
        foreach (string format in new[] { "gnu", "pax" })
        {
            string tar = Path.Join(_temp.Path, $"{format}.tar");
            ProcessRunner.Run("tar", $"--format={format}", "-C", tree, "-cf", tar, ".");
            corpus.Add(await File.ReadAllBytesAsync(tar));
        }
        corpus.Add(BusyboxLayerTar());
        return [.. corpus];
    }

    private static byte[] BusyboxLayerTar()
    {
        string layout = BusyboxImage.OciLayoutDirectory;
        string manifest = File.ReadAllText(Path.Combine(layout, "blobs", "sha256", BusyboxImage.ManifestDigest["sha256:".Length..]));
        int layers = manifest.IndexOf("\"layers\"", StringComparison.Ordinal);
        int digest = manifest.IndexOf("sha256:", layers, StringComparison.Ordinal);
        using var gzip = new GZipStream(File.OpenRead(Path.Combine(layout, "blobs", "sha256", manifest.Substring(digest + "sha256:".Length, 64))), CompressionMode.Decompress);
        var tar = new MemoryStream();
        gzip.CopyTo(tar);
        return tar.ToArray();
    }
}
