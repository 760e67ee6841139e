using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Frontend.Diagnostics;
using Builder.Oci;
using Builder.Solver.Progress;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.Engine.Tests;

/// <summary>
/// <see cref="BuildEngine.BuildAsync"/> called directly, as a front end does, without the CLI: several targets in
/// one solve, concurrent builds in one process, messages and Dockerfile errors through the request and the
/// <see cref="IBuildProgress"/> only. Real runc, a busybox base from a loopback registry.
/// </summary>
public sealed class BuildEngineTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-engine-").FullName;
    private readonly string _base;

    public BuildEngineTests()
    {
        _base = _registry.SeedBusybox("library/busybox");
    }

    private string Store => Path.Combine(_root, "store");

    private BuildEngine Engine() => new(new EngineOptions { StoreRoot = Store });

    private TargetRequest Target(string dockerfile, string? stage = null, params string[] names)
    {
        string context = Directory.CreateDirectory(Path.Combine(_root, "context-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        string path = Path.Combine(context, "Dockerfile");
        File.WriteAllText(path, dockerfile);
        return new TargetRequest
        {
            Name = stage ?? "",
            ContextDirectory = context,
            DockerfileText = dockerfile,
            DockerfilePath = path,
            Stage = stage,
            Names = [.. names.Select(ImageReference.Parse)],
        };
    }

    // The image config of a result, read back from the store the engine wrote it to.
    private JsonDocument ConfigOf(TargetResult result)
    {
        using Stream stream = new ContentStore(Store).OpenRead(result.ConfigDigest);
        return JsonDocument.Parse(stream);
    }

    [Fact]
    public async Task BuildAsync_TwoTargetsSharingAStage_OneSolveRunsItOnce_ResultsInRequestOrder()
    {
        RequiredTool.RequireRoot();
        // Both targets come from one Dockerfile and share the context, so their common stage is the same steps.
        TargetRequest api = Target($"""
            FROM {_base} AS base
            RUN echo shared-step && echo base > /shared
            FROM base AS web
            RUN echo web > /web
            FROM base AS api
            RUN echo api > /api
            """, "api", "example.test/shop/api:1");
        TargetRequest web = api with { Name = "web", Stage = "web", Names = [ImageReference.Parse("example.test/shop/web:1"), ImageReference.Parse("example.test/shop/web:latest")] };
        var progress = new RecordingProgress();

        BuildResult result = await Engine().BuildAsync(new BuildRequest { Targets = [api, web] }, progress);

        Assert.Equal(["api", "web"], result.Targets.Select(t => t.Name));
        Assert.Equal(["api", "web"], result.Targets.Select(t => t.Stage));
        Assert.Equal(api.Names, result.Targets[0].Names);
        Assert.Equal(web.Names, result.Targets[1].Names);
        Assert.NotEqual(result.Targets[0].Manifest.Digest, result.Targets[1].Manifest.Digest);
        var starts = progress.Started.GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(starts, s => Assert.True(s.Value == 1, $"step {s.Key} started {s.Value} times"));
        Assert.Single(progress.Started, s => s.Step.Origin?.Instruction == "RUN echo shared-step && echo base > /shared");
        Assert.Single(progress.Started, s => s.Step.Origin?.Instruction == "RUN echo web > /web");
        Assert.Single(progress.Started, s => s.Step.Origin?.Instruction == "RUN echo api > /api");
        Assert.Single(progress.Output, line => line == "shared-step");
        // Two solves would find the shared step in the build cache the second time; one solve never asks.
        Assert.DoesNotContain(progress.Steps, s => s.Event == "Cached");
        var images = new ImageStore(new ContentStore(Store));
        for (int i = 0; i < 2; i++)
        {
            foreach (ImageReference name in result.Targets[i].Names)
                Assert.Equal(result.Targets[i].Manifest.Digest, (await images.GetAsync(name)).Target.Digest);
        }
    }

    // Issue 16: one solve for every platform; a step that does not depend on the platform (a FROM --platform=$BUILDPLATFORM
    // stage's RUN before any TARGET* arg) is key-equal across them and runs once; the result is an index.
    [Fact]
    public async Task BuildAsync_TwoPlatforms_BuildPlatformStepRunsOnce_TargetArchStepPerPlatform_ResultIsAnIndex()
    {
        RequiredTool.RequireRoot();
        TargetRequest target = Target($"""
            FROM --platform=$BUILDPLATFORM {_base} AS build
            RUN echo shared-step > /shared
            ARG TARGETARCH
            RUN echo $TARGETARCH > /arch
            FROM scratch
            COPY --from=build /shared /arch /
            """, null, "example.test/multi:1");
        var progress = new RecordingProgress();
        Platform amd64 = Platform.Parse("linux/amd64"), arm64 = Platform.Parse("linux/arm64");

        BuildResult result = await Engine().BuildAsync(new BuildRequest { Targets = [target], Platforms = [amd64, arm64] }, progress);

        Assert.Single(progress.Started, s => s.Step.Origin?.Instruction == "RUN echo shared-step > /shared");
        Assert.Equal(2, progress.Started.Count(s => s.Step.Origin?.Instruction == "RUN echo $TARGETARCH > /arch"));
        TargetResult made = Assert.Single(result.Targets);
        Assert.Equal(MediaTypes.OciIndex, made.Manifest.MediaType);
        var content = new ContentStore(Store);
        ImageIndex index = ManifestSerializer.DeserializeIndex(Cache.Export.ImageBlobs.ReadAll(content, made.Manifest.Digest));
        Assert.Equal([amd64, arm64], index.Manifests.Select(m => m.Platform!));
        Assert.Equal(made.Manifest.Digest, (await new ImageStore(content).GetAsync(target.Names[0])).Target.Digest);
    }

    // What the build has written under the store's work folder for contexts (work/context-…), while it runs.
    private string[] ContextFilesInWork() =>
        Directory.Exists(new StoreLayout(Store).Work)
            ? [.. Directory.EnumerateDirectories(new StoreLayout(Store).Work, "context-*")
                .SelectMany(d => Directory.EnumerateFileSystemEntries(d, "*", SearchOption.AllDirectories))]
            : [];

    [Fact]
    public async Task BuildAsync_CopyFromContext_ReadsItInPlace_AndACachedRebuildMaterializesNothing()
    {
        RequiredTool.RequireRoot();
        TargetRequest target = Target("FROM scratch\nCOPY app.txt /app.txt\n");
        File.WriteAllText(Path.Combine(target.ContextDirectory, "app.txt"), "app\n");
        var written = new List<string>();
        void Look(string name, Graph.BuildStep step)
        {
            if (step is Graph.FileStep && name is "Cached" or "Finished") lock (written) written.AddRange(ContextFilesInWork());
        }

        var first = new RecordingProgress { During = Look };
        await Engine().BuildAsync(new BuildRequest { Targets = [target] }, first);
        var second = new RecordingProgress { During = Look };
        await Engine().BuildAsync(new BuildRequest { Targets = [target] }, second);

        Assert.Contains(first.Steps, s => s.Event == "Finished" && s.Step is Graph.FileStep);
        Assert.Contains(second.Steps, s => s.Event == "Cached" && s.Step is Graph.FileStep);
        Assert.Empty(written);
    }

    [Fact]
    public async Task BuildAsync_TwoConcurrentBuildsWithDifferentEpochs_EachImageHasItsOwn()
    {
        RequiredTool.RequireRoot();
        // The epoch travels in the request only: were it process-wide state (an environment variable), two builds at
        // once in one process could not each have their own.
        const long First = 1_600_000_000, Second = 1_700_000_000;
        TargetRequest target = Target($"""
            FROM {_base}
            ARG SOURCE_DATE_EPOCH
            RUN echo "$SOURCE_DATE_EPOCH" > /epoch && sleep 1
            """);
        BuildEngine engine = Engine();

        BuildResult[] results = await Task.WhenAll(
            engine.BuildAsync(new BuildRequest { Targets = [target], SourceDateEpoch = DateTimeOffset.FromUnixTimeSeconds(First) }, new RecordingProgress()),
            engine.BuildAsync(new BuildRequest { Targets = [target], SourceDateEpoch = DateTimeOffset.FromUnixTimeSeconds(Second) }, new RecordingProgress()));

        static string Iso(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        foreach ((BuildResult result, long epoch) in results.Zip([First, Second]))
        {
            using JsonDocument config = ConfigOf(result.Targets[0]);
            Assert.Equal(Iso(epoch), config.RootElement.GetProperty("created").GetString());
            JsonElement last = config.RootElement.GetProperty("history").EnumerateArray().Last();
            Assert.Equal(Iso(epoch), last.GetProperty("created").GetString());
        }
        Assert.NotEqual(results[0].Targets[0].Manifest.Digest, results[1].Targets[0].Manifest.Digest);
    }

    [Fact]
    public async Task BuildAsync_ImageOutput_SaysExportedToImageThroughTheProgress()
    {
        RequiredTool.RequireRoot();
        var progress = new RecordingProgress();

        await Engine().BuildAsync(new BuildRequest { Targets = [Target($"FROM {_base}\nRUN echo hello\n", null, "example.test/hello:1")] }, progress);

        Assert.Contains(BuildMessage.Info("exported to image"), progress.Messages);
        Assert.Contains("hello", progress.Output);
    }

    // Which seccomp mode a RUN has, and whether unshare(CLONE_NEWUSER), which needs no capability, is let through.
    private const string SeccompProbe =
        "echo \"$(grep Seccomp: /proc/self/status | tr -d ' \\t') $(busybox unshare -U true 2>/dev/null && echo unshared || echo blocked)\"";

    [Fact]
    public async Task BuildAsync_Run_HasDockerSeccompProfile_InsecureWithAllowRunsUnconfined()
    {
        RequiredTool.RequireRoot();
        TargetRequest target = Target($"FROM {_base}\nRUN echo sandbox && {SeccompProbe}\nRUN --security=insecure echo insecure && {SeccompProbe}\n");
        var progress = new RecordingProgress();

        await Engine().BuildAsync(new BuildRequest { Targets = [target], Entitlements = [Entitlement.SecurityInsecure] }, progress);

        Assert.Equal(["sandbox", "Seccomp:2 blocked", "insecure", "Seccomp:0 unshared"], progress.Output);
    }

    [Fact]
    public async Task BuildAsync_RunSecurityInsecureWithoutAllow_IsRefusedAtItsLineAndNothingRuns()
    {
        RequiredTool.RequireRoot();
        TargetRequest target = Target($"FROM {_base}\nRUN echo must-not-run\nRUN --security=insecure echo insecure\n");
        var progress = new RecordingProgress();

        var error = await Assert.ThrowsAsync<DockerfileException>(() => Engine().BuildAsync(new BuildRequest { Targets = [target] }, progress));

        Assert.Equal(DiagnosticCodes.EntitlementNotGranted, error.Diagnostic.Code);
        Assert.Equal((target.DockerfilePath, 3), (error.Diagnostic.Span.File, error.Diagnostic.Span.StartLine));
        Assert.Contains("--allow security.insecure", error.Diagnostic.Hint);
        Assert.Empty(progress.Output);
    }

    [Fact]
    public async Task BuildAsync_DockerfileError_ThrowsDockerfileExceptionWithItsSpan_AndNothingRuns()
    {
        RequiredTool.RequireRoot();
        // The first target is fine: every target is converted before any step runs, so it does not run either.
        TargetRequest good = Target($"FROM {_base}\nRUN echo must-not-run > /x\n", null, "example.test/good:1");
        TargetRequest bad = Target($"FROM {_base}\nRUN echo must-not-run-either > /y\nCOPY app.dll\n", null, "example.test/bad:1");
        var progress = new RecordingProgress();

        var error = await Assert.ThrowsAsync<DockerfileException>(() => Engine().BuildAsync(new BuildRequest { Targets = [good, bad] }, progress));

        Assert.Equal(DiagnosticCodes.WrongArgumentCount, error.Diagnostic.Code);
        Assert.Equal((bad.DockerfilePath, 3, 6), (error.Diagnostic.Span.File, error.Diagnostic.Span.StartLine, error.Diagnostic.Span.StartColumn));
        Assert.Equal("COPY app.dll", error.Diagnostic.Instruction);
        Assert.NotNull(error.Diagnostic.Hint);
        Assert.Empty(progress.Steps);
        Assert.Empty(progress.Output);
        Assert.Empty(await new ImageStore(new ContentStore(Store)).ListAsync());
    }

    [Fact]
    public async Task BuildAsync_RecordsThisBootsUnflushedWindow_AndChecksAnEarlierBootsWindowFirst()
    {
        RequiredTool.RequireRoot();
        var layout = new StoreLayout(Store);
        Directory.CreateDirectory(layout.Unflushed);
        string earlier = Path.Combine(layout.Unflushed, "an-earlier-boot");
        File.WriteAllText(earlier, "");
        var progress = new RecordingProgress();

        await Engine().BuildAsync(new BuildRequest { Targets = [Target($"FROM {_base}\nRUN echo data > /data\n")] }, progress);

        string bootId = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
        Assert.Equal([bootId], Directory.GetFiles(layout.Unflushed).Select(Path.GetFileName));
        Assert.Contains(progress.Messages, m => m.Text.StartsWith("the machine stopped before earlier builds' writes were all on disk", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
