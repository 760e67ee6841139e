using System.Text.Json;
using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>SOURCE_DATE_EPOCH: the same inputs built in two fresh stores give byte-identical images.</summary>
public sealed class ReproducibleBuildTests : IDisposable
{
    private const long Epoch = 1_700_000_000; // 2023-11-14T22:13:20Z
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-repro-e2e-").FullName;
    private readonly string _context;

    public ReproducibleBuildTests()
    {
        _context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;
        File.WriteAllText(Path.Combine(_context, "app.txt"), "app\n");
        File.SetLastWriteTimeUtc(Path.Combine(_context, "app.txt"), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), $"""
            FROM {_registry.SeedBusybox("library/busybox")}
            WORKDIR /app
            COPY app.txt .
            RUN echo built > built-at && mkdir -p /var/data && echo data > /var/data/file && sleep 1
            ENV MODE=production
            CMD ["cat", "/app/app.txt"]
            """);
    }

    private (int Status, string Out, string Err) Imgbuild(string store, params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, store), .. args]);

    [Fact]
    public void Build_WithSourceDateEpoch_TwoFreshStoresGiveTheSameDigest_WithoutItTheyDiffer()
    {
        RequiredTool.RequireRoot();
        string epochArg = $"SOURCE_DATE_EPOCH={Epoch}";

        var first = Imgbuild("store-a", "--build-arg", epochArg, "--output", $"type=oci,dest={_root}/a.tar", _context);
        var second = Imgbuild("store-b", "--build-arg", epochArg, "--output", $"type=oci,dest={_root}/b.tar", _context);
        var plainFirst = Imgbuild("store-c", _context);
        var plainSecond = Imgbuild("store-d", _context);

        Assert.True(first.Status == 0, first.Err);
        Assert.True(second.Status == 0, second.Err);
        Assert.Equal(first.Out, second.Out);
        Assert.NotEqual(plainFirst.Out, plainSecond.Out);
        string skopeo = RequiredTool.Find("skopeo", "skopeo");
        Assert.Equal(ProcessRunner.Run(skopeo, ["inspect", "--raw", $"oci-archive:{_root}/a.tar"]), ProcessRunner.Run(skopeo, ["inspect", "--raw", $"oci-archive:{_root}/b.tar"]));
        using JsonDocument config = JsonDocument.Parse(ProcessRunner.Run(skopeo, ["inspect", "--config", $"oci-archive:{_root}/a.tar"]));
        string expected = DateTimeOffset.FromUnixTimeSeconds(Epoch).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, config.RootElement.GetProperty("created").GetString());
        Assert.All(config.RootElement.GetProperty("history").EnumerateArray().Skip(1), h => Assert.Equal(expected, h.GetProperty("created").GetString()));
    }

    [Fact]
    public void Build_SourceDateEpochFromTheEnvironment_ClampsFileTimes()
    {
        RequiredTool.RequireRoot();
        string rootfs = Path.Combine(_root, "rootfs"), archive = Path.Combine(_root, "env.tar");
        var environment = new Dictionary<string, string?> { ["SOURCE_DATE_EPOCH"] = Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        Assert.Equal(0, InProcessImgbuild.Run(environment, ["--root", Path.Combine(_root, "store-e"), "--output", $"type=oci,dest={archive}", _context]).Status);
        string layout = Path.Combine(_root, "layout");
        ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["copy", $"oci-archive:{archive}", $"oci:{layout}:latest"]);
        ProcessRunner.Run(RequiredTool.Find("umoci", "umoci"), ["raw", "unpack", "--image", $"{layout}:latest", rootfs]);

        Assert.Equal(Epoch, new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(rootfs, "var", "data", "file"))).ToUnixTimeSeconds());
        Assert.Equal(Epoch, new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(rootfs, "app", "built-at"))).ToUnixTimeSeconds());
        Assert.Equal(2020, File.GetLastWriteTimeUtc(Path.Combine(rootfs, "app", "app.txt")).Year); // older than the epoch: kept
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
