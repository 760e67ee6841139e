using Builder.Solver.Progress;
using System.Collections.Concurrent;
using Builder.Cache.Content;
using Builder.Cache.Layers;
using Builder.Graph;
using Builder.Solver.Mounts;
using Builder.Solver.Ops;
using Builder.Solver.Runtime;
using Builder.Solver.Snapshots;
using Builder.Testing;
using Builder.Testing.Images;

namespace Builder.Solver.Tests.Ops;

/// <summary>RUN steps on real overlayfs snapshots of the busybox rootfs, in real runc containers.</summary>
public sealed class ExecStepRunnerTests : IDisposable
{
    private readonly BusyboxRootfs _base = new();
    private readonly ContentStore _content;
    private readonly ExecStepRunner _runner;
    private readonly SnapshotCommitter _committer;
    private readonly RuncRuntime _runtime;
    private readonly ConcurrentQueue<ContainerOutputLine> _output = new();
    private readonly string _work;

    public ExecStepRunnerTests()
    {
        _content = new ContentStore(Path.Combine(_base.Parent, "store"));
        _work = Path.Combine(_base.Parent, "work");
        _runtime = new RuncRuntime(RequiredTool.Find("runc", "runc"), Path.Combine(_base.Parent, "runc"));
        _committer = new SnapshotCommitter(_content, _work, Path.Combine(_base.Parent, "layers"));
        _runner = new ExecStepRunner(new OverlaySnapshotter(), _runtime, _committer, _work);
    }

    private static ExecStep Run(string script, string user = "", string cwd = "/") =>
        new(["/bin/sh", "-c", script], ["PATH=/bin"], cwd, user) { Inputs = [new ScratchStep()] };

    // The step, with its layer written (the committer writes it in the background).
    private async Task<CommittedLayer> RunAsync(ExecStep step, params string[] above)
    {
        CommittedLayer committed = await _runner.RunAsync(step, [(IReadOnlyList<string>)[.. above, _base.Path]], Mounts, _output.Enqueue, new LayerWriteOptions(), CancellationToken.None);
        await committed.Layer;
        return committed;
    }

    private RunMountOptions Mounts => new(Path.Combine(_base.Parent, "cache-mounts"), System.Collections.Immutable.ImmutableDictionary<string, byte[]>.Empty,
        new OverlaySnapshotter(), _work);

    [Fact]
    public async Task RunAsync_Changes_BecomeALayerWithWhiteouts()
    {
        CommittedLayer outcome = await RunAsync(Run("mkdir /app && echo hi > /app/x && rm /etc/group"));

        string blob = _content.GetBlobPath((await outcome.Layer).Descriptor.Digest);
        string[] entries = ProcessRunner.Run("tar", ["-tzf", blob]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("app/x", entries);
        Assert.Contains("etc/.wh.group", entries);
        Assert.DoesNotContain(entries, e => e.Contains("hosts", StringComparison.Ordinal) || e.Contains("resolv", StringComparison.Ordinal));
        Assert.Equal("hi\n", File.ReadAllText(Path.Combine(outcome.Directory, "app", "x")));
    }

    [Fact]
    public async Task RunAsync_OnCommittedStep_SeesItsChanges()
    {
        CommittedLayer first = await RunAsync(Run("echo layered > /f && rm /etc/group"));

        await RunAsync(Run("cat /f; test -e /etc/group && echo group-still-there || echo group-gone"), first.Directory);

        Assert.Equal(["layered", "group-gone"], _output.Select(l => l.Text));
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_FailsWithCommandStatusAndLastLines()
    {
        var error = await Assert.ThrowsAsync<ExecFailedException>(() => RunAsync(Run("echo boom >&2; exit 3")));

        Assert.Equal(3, error.ExitCode);
        Assert.Contains("/bin/sh -c echo boom >&2; exit 3", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("boom", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_UserAndMissingWorkdir_RunsAsUserInCreatedDirectory()
    {
        await RunAsync(Run("id -u; pwd", user: "app", cwd: "/srv/app"));

        Assert.Equal(["1000", "/srv/app"], _output.Select(l => l.Text));
    }

    [Fact]
    public async Task RunAsync_AfterSuccessAndFailure_LeavesNoMountsContainersOrWorkFiles()
    {
        await RunAsync(Run("true"));
        await Assert.ThrowsAsync<ExecFailedException>(() => RunAsync(Run("false")));
        _committer.Publish();

        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), line => line.Contains(_work, StringComparison.Ordinal));
        Assert.Empty(await _runtime.ListAsync(CancellationToken.None));
        Assert.Empty(Directory.GetFileSystemEntries(_work));
    }

    public void Dispose() => _base.Dispose();
}
