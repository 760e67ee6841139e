using System.Text.Json;
using Builder.Testing;

namespace Builder.Cli.Tests.Store;

public sealed class DuCommandTests : IDisposable
{
    private readonly SeededStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Du_FormatJson_ReportsPerImageAndTotals()
    {
        await _store.AddImageAsync("a:1", 1000);
        await _store.AddImageAsync("b:1", 2000);
        await _store.Content.WriteAsync(new byte[77]);

        var (status, output, error) = _store.Run("du", "--format", "json");

        Assert.True(status == 0, error);
        JsonElement root = JsonDocument.Parse(output).RootElement;
        Assert.Equal(2, root.GetProperty("images").GetArrayLength());
        Assert.Equal(77, root.GetProperty("reclaimable").GetInt64());
        Assert.Equal(7, root.GetProperty("blobs").GetInt32());
        long sum = root.GetProperty("images").EnumerateArray().Sum(i => i.GetProperty("unique").GetInt64());
        Assert.Equal(root.GetProperty("images_total").GetInt64(), sum);
    }

    [Fact]
    public void Du_WorkFolderLeftByAKilledBuild_CountsItsBytes()
    {
        string snapshot = Directory.CreateDirectory(Path.Combine(_store.Root, "work", "build-0123456789abcdef", "snapshot-1", "upper")).FullName;
        File.WriteAllBytes(Path.Combine(snapshot, "big"), new byte[3000]);
        File.WriteAllBytes(Path.Combine(_store.Root, "work", "build-0123456789abcdef", "1.layer"), new byte[500]);

        var (status, output, error) = _store.Run("du", "--format", "json");

        Assert.True(status == 0, error);
        Assert.Equal(3500, JsonDocument.Parse(output).RootElement.GetProperty("work").GetInt64());
    }

    [Fact]
    public async Task Du_Table_PrintsImageRowsAndTotalLine()
    {
        await _store.AddImageAsync("a:1", 1000);
        var (status, output, _) = _store.Run("du");
        Assert.Equal(0, status);
        Assert.Matches(@"(?m)^a\s+1\s+[0-9a-f]{12}\s+\S+\s+0B\s+\S+$", output);
        Assert.Contains("Total: ", output);
    }

    [Fact]
    public async Task Du_StoreTotal_AgreesWithDuSb_CountingHardLinksOnce()
    {
        await _store.AddImageAsync("a:1", 5000, 7000);
        string layer = Directory.CreateDirectory(Path.Combine(_store.Root, "layers", new string('a', 64), "usr")).FullName;
        File.WriteAllBytes(Path.Combine(layer, "big"), new byte[40_000]);
        File.CreateSymbolicLink(Path.Combine(layer, "link"), "big");
        // A base tree hard-linked to the layer's file: on disk once, as du counts it.
        string tree = Directory.CreateDirectory(Path.Combine(_store.Root, "rootfs", new string('b', 64))).FullName;
        ProcessRunner.Run("ln", [Path.Combine(layer, "big"), Path.Combine(tree, "big")]);
        string mount = Directory.CreateDirectory(Path.Combine(_store.Root, "cache-mounts", "go")).FullName;
        File.WriteAllBytes(Path.Combine(mount, "mod"), new byte[9_000]);

        var (status, output, error) = _store.Run("du", "--format", "json");

        Assert.True(status == 0, error);
        JsonElement store = JsonDocument.Parse(output).RootElement.GetProperty("store");
        long total = store.GetProperty("total").GetInt64();
        long du = long.Parse(ProcessRunner.Run("du", ["-sb", _store.Root]).Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(total - du) <= du / 100, $"imgbuild du {total} bytes, du -sb {du}");
        Assert.True(store.GetProperty("blobs").GetInt64() > 12_000);
        Assert.True(store.GetProperty("cache-mounts").GetInt64() >= 9_000);
        Assert.Equal(total, store.EnumerateObject().Where(p => p.Name != "total").Sum(p => p.Value.GetInt64()));
        // The hard-linked file is counted once: under layers (walked first), not again under rootfs.
        Assert.True(store.GetProperty("rootfs").GetInt64() < 40_000);
    }
}
