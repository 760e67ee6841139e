using System.Diagnostics;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// The store's size cap and prune policy on real builds, run as separate imgbuild processes (the cap is read from the
/// environment): over the cap the build cache goes, least recently used first; a prune waits for running builds.
/// </summary>
public sealed class StorageCapTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-cap-e2e-").FullName;
    private readonly string _base;

    public StorageCapTests()
    {
        _base = _registry.SeedBusybox("library/busybox");
    }

    private string Context(string name, string dockerfile) => TestContext.WithDockerfile(_root, name, dockerfile);

    private (int Status, string Err) Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        (int status, _, string stderr) = ProcessRunner.Capture("dotnet", [Path.Combine(AppContext.BaseDirectory, "imgbuild.dll"), "--root", Path.Combine(_root, "store"), .. args],
            environment: environment);
        return (status, stderr);
    }

    private static readonly Dictionary<string, string> NoCap = new() { ["IMGBUILD_KEEP_STORAGE"] = "0" };

    [Fact]
    public void Build_OverTheCap_BuildCacheIsRemoved_BaseImageKept()
    {
        RequiredTool.RequireRoot();
        string first = Context("first", $"FROM {_base}\nRUN dd if=/dev/urandom of=/a.bin bs=1024 count=300 2>/dev/null\n");
        string second = Context("second", $"FROM {_base}\nRUN dd if=/dev/urandom of=/b.bin bs=1024 count=300 2>/dev/null\n");
        Assert.Equal(0, Run(NoCap, "--progress", "plain", first).Status);

        var capped = Run(new Dictionary<string, string> { ["IMGBUILD_KEEP_STORAGE"] = "1B" }, "--progress", "plain", second);
        var again = Run(NoCap, "--progress", "plain", first);

        Assert.True(capped.Status == 0, capped.Err);
        Assert.Contains("store over its 1B cap (IMGBUILD_KEEP_STORAGE): removed 2 build cache records", capped.Err, StringComparison.Ordinal);
        Assert.True(again.Status == 0, again.Err);
        Assert.DoesNotContain(ProgressSteps.Parse(again.Err), s => s.Instruction.StartsWith("RUN", StringComparison.Ordinal) && s.Cached);
    }

    [Fact]
    public void Build_UnderTheCap_KeepsItsCache()
    {
        RequiredTool.RequireRoot();
        string context = Context("under", $"FROM {_base}\nRUN echo kept > /kept\n");
        var generous = new Dictionary<string, string> { ["IMGBUILD_KEEP_STORAGE"] = "10GB" };
        Assert.Equal(0, Run(generous, context).Status);

        var again = Run(generous, "--progress", "plain", context);

        Assert.All(ProgressSteps.Parse(again.Err).Where(s => s.Instruction.StartsWith("RUN", StringComparison.Ordinal)), s => Assert.True(s.Cached));
    }

    [Fact]
    public async Task Prune_WhileABuildRuns_WaitsForIt_AndTheBuildSucceeds()
    {
        RequiredTool.RequireRoot();
        string context = Context("running", $"FROM {_base}\nRUN echo started && sleep 3 && echo done > /done\n");
        (Process startedBuild, Task started) = ProcessRunner.StartWatching("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "imgbuild.dll"), "--root", Path.Combine(_root, "store"), "--progress", "plain", context], " started", NoCap);
        using Process build = startedBuild;
        // A liveness bound, not a speed check: on a loaded 2-core CI machine a cold start can take a minute.
        await started.WaitAsync(TimeSpan.FromSeconds(240));

        var prune = Run(NoCap, "prune", "--keep-storage", "0", "--keep-recent", "0s");
        bool buildEndedFirst = build.HasExited;
        await build.WaitForExitAsync();

        Assert.True(buildEndedFirst, "prune returned while the build was still running");
        Assert.Equal(0, build.ExitCode);
        Assert.Equal(0, prune.Status);
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
