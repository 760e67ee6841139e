using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary><c>imgbuild -t NAME CONTEXT</c> for what builds today (FROM, ENV, WORKDIR, RUN, CMD), checked by running the image in Docker.</summary>
public sealed class BuildCommandTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-build-e2e-").FullName;

    private (int Status, string Out, string Err) Imgbuild(params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, "store"), .. args]);

    private string Context(string dockerfile) => TestContext.WithDockerfile(_root, dockerfile);

    [Fact]
    public void Build_FromRunWorkdirCmd_DockerRunsTheImage()
    {
        RequiredTool.RequireRoot();
        string baseImage = _registry.SeedBusybox("library/busybox");
        string context = Context($"""
            FROM {baseImage}
            ENV GREETING=hello
            WORKDIR /app
            RUN echo "$GREETING from RUN" > message && id -u > uid
            USER app
            CMD ["sh", "-c", "cat /app/message; whoami; pwd"]
            """);
        string tag = $"imgbuild-e2e/build:{Guid.NewGuid():N}";

        var build = Imgbuild("-t", tag, context);
        var save = Imgbuild("save", tag, "-o", Path.Combine(_root, "image.tar"));

        Assert.True(build.Status == 0, build.Err);
        Assert.Matches("^sha256:[0-9a-f]{64}\n$", build.Out);
        Assert.Contains("RUN echo", build.Err, StringComparison.Ordinal);
        Assert.True(save.Status == 0, save.Err);
        try
        {
            DockerEngine.Run("load", "-i", Path.Combine(_root, "image.tar"));
            Assert.Equal("hello from RUN\napp\n/app\n", DockerEngine.Run("run", "--rm", "--network=none", tag));
            Assert.Equal("0\n", DockerEngine.Run("run", "--rm", "--network=none", tag, "cat", "/app/uid"));
        }
        finally
        {
            DockerEngine.Run("rmi", "--force", tag);
        }
    }

    private string RunContext() => Context($"FROM {_registry.SeedBusybox("library/busybox")}\nWORKDIR /app\nRUN echo exported > message\n");

    [Fact]
    public void Build_OutputLocalAndOciArchive_WritesFilesAndAnArchiveSkopeoReads()
    {
        RequiredTool.RequireRoot();
        string local = Path.Combine(_root, "rootfs"), archive = Path.Combine(_root, "image.oci.tar");

        var (status, output, error) = Imgbuild("-t", "exported:1", "--output", $"type=local,dest={local}", "--output", $"type=oci,dest={archive}", RunContext());

        Assert.True(status == 0, error);
        Assert.Equal("exported\n", File.ReadAllText(Path.Combine(local, "app", "message")));
        Assert.True(File.Exists(Path.Combine(local, "bin", "busybox")));
        string inspect = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", $"oci-archive:{archive}:1"]);
        Assert.Contains($"\"Digest\": \"{output.Trim()}\"", inspect, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ZstdOciLayout_HasZstdLayers()
    {
        RequiredTool.RequireRoot();
        string layout = Path.Combine(_root, "layout");

        var (status, _, error) = Imgbuild("--output", $"type=oci-layout,dest={layout},name=zstd:1,compression=zstd", RunContext());

        Assert.True(status == 0, error);
        string inspect = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--raw", $"oci:{layout}:1"]);
        Assert.Contains("application/vnd.oci.image.layer.v1.tar+zstd", inspect, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Push_SkopeoReadsTheImageFromTheRegistry()
    {
        RequiredTool.RequireRoot();
        string name = $"{_registry.Host}/pushed/app:1";

        var (status, output, error) = Imgbuild("-t", name, "--push", RunContext());

        Assert.True(status == 0, error);
        string inspect = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--tls-verify=false", $"docker://{name}"]);
        Assert.Contains($"\"Digest\": \"{output.Trim()}\"", inspect, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_OutputRegistryWithSeveralTags_PushesEveryTag_KeepsNothingLocally()
    {
        RequiredTool.RequireRoot();
        string[] names = [$"{_registry.Host}/tagged/app:1", $"{_registry.Host}/tagged/app:latest", $"{_registry.Host}/other/app:2"];

        var (status, output, error) = Imgbuild("-t", names[0], "-t", names[1], "-t", names[2], "--output", "type=registry", RunContext());

        Assert.True(status == 0, error);
        foreach (string name in names)
        {
            string inspect = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--tls-verify=false", $"docker://{name}"]);
            Assert.Contains($"\"Digest\": \"{output.Trim()}\"", inspect, StringComparison.Ordinal);
        }
        var images = new Builder.Cache.Images.ImageStore(new Builder.Cache.Content.ContentStore(Path.Combine(_root, "store")));
        Assert.Null(await images.FindAsync(Builder.Oci.ImageReference.Parse(names[0])));
    }

    [Fact]
    public void Build_SeventyLayers_AllStackInOneRootFilesystem()
    {
        RequiredTool.RequireRoot();
        // Each RUN adds a layer; overlayfs takes every lower directory in one mount option of at most a page.
        string runs = string.Concat(Enumerable.Range(1, 70).Select(i => $"RUN echo {i} > /layer-{i}\n"));
        string context = Context($"FROM {_registry.SeedBusybox("library/busybox")}\n{runs}RUN ls / | grep -c '^layer-' > /count\n");
        string rootfs = Path.Combine(_root, "deep-rootfs");

        var build = Imgbuild("--output", $"type=local,dest={rootfs}", context);

        Assert.True(build.Status == 0, build.Err);
        Assert.Equal("70\n", File.ReadAllText(Path.Combine(rootfs, "count")));
    }

    [Fact]
    public void Build_NothingChanged_EveryStepCachedAndSameDigest()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_registry.SeedBusybox("library/busybox")}\nWORKDIR /app\nRUN echo first-run-output && echo x > f\n");

        var first = Imgbuild("-t", "cached:1", context);
        var second = Imgbuild("-t", "cached:1", context);

        Assert.True(second.Status == 0, second.Err);
        Assert.Equal(first.Out, second.Out);
        const string OutputLine = @"#\d+ \d+\.\d{3} first-run-output";
        Assert.Matches(OutputLine, first.Err);
        Assert.DoesNotMatch(OutputLine, second.Err);
        // The FROM too: its image is in the store, which BuildKit shows as CACHED.
        var steps = ProgressSteps.Parse(second.Err).ToList();
        Assert.Equal(3, steps.Count);
        Assert.All(steps, step => Assert.True(step.Cached, step.Instruction));
    }

    [Fact]
    public void Build_History_EveryEntryDatedAsBuildKitDoes_AndNoCacheDatesItAnew()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_registry.SeedBusybox("library/busybox")}\nRUN echo a > /a\nENV X=1\nRUN echo b > /b\nLABEL l=1\n");
        string skopeo = RequiredTool.Find("skopeo", "skopeo");
        string archive = Path.Combine(_root, "dated.tar");

        var first = Imgbuild("-t", "dated:1", "--output", $"type=oci,dest={archive}", context);
        Assert.True(first.Status == 0, first.Err);
        using var config = System.Text.Json.JsonDocument.Parse(ProcessRunner.Run(skopeo, ["inspect", "--config", $"oci-archive:{archive}"]));
        var history = config.RootElement.GetProperty("history").EnumerateArray().ToList();
        DateTimeOffset[] times = [.. history.Skip(1).Select(h => DateTimeOffset.Parse(h.GetProperty("created").GetString()!, System.Globalization.CultureInfo.InvariantCulture))];
        DateTimeOffset created = DateTimeOffset.Parse(config.RootElement.GetProperty("created").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(4, times.Length);
        Assert.True(times[0] < times[2], "each RUN's entry has its own layer's time");
        Assert.Equal([times[2], times[2], times[2]], times[1..]); // ENV, the second RUN and LABEL: the newest layer's time
        Assert.Equal(times[2], created);

        var noCache = Imgbuild("-t", "dated:1", "--no-cache", context);
        Assert.NotEqual(first.Out, noCache.Out);
    }

    [Fact]
    public void Build_SecondRunChanged_OnlyItRunsAgain()
    {
        RequiredTool.RequireRoot();
        string baseImage = _registry.SeedBusybox("library/busybox");
        string context = Context($"FROM {baseImage}\nRUN echo one > /one\nRUN echo two > /two\n");
        Imgbuild("-t", "partial:1", context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), $"FROM {baseImage}\nRUN echo one > /one\nRUN echo TWO > /two\n");

        var (status, _, error) = Imgbuild("-t", "partial:1", context);

        Assert.True(status == 0, error);
        var steps = ProgressSteps.Parse(error).ToDictionary(s => s.Instruction, s => s.Cached);
        Assert.True(steps["RUN echo one > /one"]);
        Assert.False(steps["RUN echo TWO > /two"]);
    }

    [Fact]
    public void Build_NoCache_RunsEveryStepAgain()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_registry.SeedBusybox("library/busybox")}\nRUN echo ran\n");
        Imgbuild("-t", "nocache:1", context);

        var (status, _, error) = Imgbuild("-t", "nocache:1", "--no-cache", context);

        Assert.True(status == 0, error);
        // Every step runs again; the FROM's image stays in the store, which BuildKit shows as CACHED under --no-cache too.
        Assert.Equal([("RUN echo ran", false)], ProgressSteps.Parse(error).Where(s => !s.Instruction.StartsWith("FROM ", StringComparison.Ordinal)));
        Assert.Contains(" ran", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_LaterStepFails_StepsThatEndedAreCachedWithTheirLayers()
    {
        RequiredTool.RequireRoot();
        string baseImage = _registry.SeedBusybox("library/busybox");
        // The first RUN's layer is written in the background while the second runs, and the second fails.
        string failing = Context($"FROM {baseImage}\nRUN head -c 3000000 /dev/urandom > /big && echo one > /one\nRUN sleep 0.2; exit 3\n");
        var failed = Imgbuild("-t", "ended:1", failing);
        string fixedContext = Context($"FROM {baseImage}\nRUN head -c 3000000 /dev/urandom > /big && echo one > /one\nRUN cat /one; test -s /big\n");

        var (status, _, error) = Imgbuild("-t", "ended:1", fixedContext);

        Assert.Equal(1, failed.Status);
        Assert.True(status == 0, error);
        Assert.Equal([("RUN head -c 3000000 /dev/urandom > /big && echo one > /one", true), ("RUN cat /one; test -s /big", false)],
            ProgressSteps.Parse(error).Where(s => !s.Instruction.StartsWith("FROM ", StringComparison.Ordinal)));
        Assert.Contains(" one", error, StringComparison.Ordinal);
        // Nothing of either build is left in the working folder: the layer went where later builds find it.
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_root, "store", "work")));
    }

    [Fact]
    public void Build_RawJsonProgress_OneJsonObjectPerLine()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_registry.SeedBusybox("library/busybox")}\nRUN echo json-line\n");

        var (status, _, error) = Imgbuild("-t", "json:1", "--progress=rawjson", "--no-cache", context);

        Assert.True(status == 0, error);
        var events = error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement).ToList();
        // BuildKit's SolveStatus: a RUN's line in "logs" (base64), each vertex once started and once completed.
        Assert.Contains(events, e => e.TryGetProperty("logs", out var logs)
            && logs.EnumerateArray().Any(l => System.Text.Encoding.UTF8.GetString(l.GetProperty("data").GetBytesFromBase64()) == "json-line\n"));
        var vertexes = events.Where(e => e.TryGetProperty("vertexes", out _)).SelectMany(e => e.GetProperty("vertexes").EnumerateArray()).ToList();
        Assert.Equal(vertexes.Count(v => !v.TryGetProperty("completed", out _)), vertexes.Count(v => v.TryGetProperty("completed", out _)));
        Assert.Contains(vertexes, v => v.GetProperty("name").GetString() == "exporting to image");
        Assert.Contains(events, e => e.TryGetProperty("statuses", out var statuses) && statuses.EnumerateArray().Any(s => s.GetProperty("id").GetString() == "naming to docker.io/library/json:1"));
        Assert.Contains(events, e => e.TryGetProperty("imgbuild", out var extra) && extra.GetProperty("event").GetString() == "result");
    }

    [Fact]
    public void Build_BadOutput_OneLineError()
    {
        var (status, _, error) = Imgbuild("--output", "type=zip,dest=x", RunContext());

        Assert.Equal(1, status);
        Assert.Equal("imgbuild: --output: unknown type 'zip' (image, registry, local, tar, oci, oci-layout, docker)\n", error);
    }

    [Fact]
    public void Build_RunFails_ExitsOneNamingTheInstructionAndStatus()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_registry.SeedBusybox("library/busybox")}\nRUN echo about to fail && exit 4\n");

        var (status, _, error) = Imgbuild("-t", "failing:1", context);

        Assert.Equal(1, status);
        Assert.Contains("RUN echo about to fail && exit 4", error, StringComparison.Ordinal);
        Assert.Contains("exit code: 4", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
