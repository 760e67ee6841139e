using Builder.Solver.Progress;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using Builder.Cache.Content;
using Builder.Cache.Layers;
using Builder.Graph;
using Builder.Solver.Mounts;
using Builder.Solver.Ops;
using Builder.Solver.Runtime;
using Builder.Solver.Snapshots;

namespace Builder.Solver.Tests.Ops;

/// <summary>
/// <see cref="ExecStepRunner"/> against a <see cref="FakeContainerRuntime"/> and copied snapshots: what the step
/// turns into for the runtime, and what it does with the runtime's result. No runc and no root needed.
/// </summary>
public sealed class ExecStepRunnerFakeRuntimeTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-exec-fake-").FullName;
    private readonly string _lower;
    private readonly string _work;
    private readonly ContentStore _content;
    private readonly ConcurrentQueue<ContainerOutputLine> _output = new();

    public ExecStepRunnerFakeRuntimeTests()
    {
        _lower = Directory.CreateDirectory(Path.Combine(_root, "lower", "etc")).Parent!.FullName;
        File.WriteAllText(Path.Combine(_lower, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
        File.WriteAllText(Path.Combine(_lower, "etc", "group"), "root:x:0:\napp:x:1000:\n");
        _work = Path.Combine(_root, "work");
        _content = new ContentStore(Path.Combine(_root, "store"));
    }

    // The step, with its layer written (the committer writes it in the background).
    private async Task<CommittedLayer> RunAsync(IContainerRuntime runtime, ExecStep step, Action<FailedRunContainer>? keepFailed = null)
    {
        var runner = new ExecStepRunner(new CopySnapshotter(), runtime, new SnapshotCommitter(_content, _work, Path.Combine(_root, "layers")), _work)
        {
            KeepFailed = keepFailed,
        };
        var mounts = new RunMountOptions(Path.Combine(_root, "cache-mounts"), ImmutableDictionary<string, byte[]>.Empty, new CopySnapshotter(), _work);
        CommittedLayer committed = await runner.RunAsync(step, [(IReadOnlyList<string>)[_lower]], mounts, _output.Enqueue, new LayerWriteOptions(), CancellationToken.None);
        await committed.Layer;
        return committed;
    }

    private static ExecStep Step(string user = "", string cwd = "/") =>
        new(["/bin/sh", "-c", "make"], ["PATH=/bin"], cwd, user) { Inputs = [new ScratchStep()], Network = NetworkMode.None, Security = SecurityMode.Insecure };

    [Fact]
    public async Task RunAsync_Step_GivesRuntimeItsProcessUserNetworkAndSecurity()
    {
        var runtime = new FakeContainerRuntime((_, _) => 0);

        await RunAsync(runtime, Step(user: "app", cwd: "/srv/app"));

        ContainerSpec spec = Assert.Single(runtime.Runs).Spec;
        Assert.Equal(["/bin/sh", "-c", "make"], spec.Process.Args.AsEnumerable());
        Assert.Equal(["PATH=/bin"], spec.Process.Env.AsEnumerable());
        Assert.Equal("/srv/app", spec.Process.WorkingDirectory);
        Assert.Equal((1000u, 1000u), (spec.Process.User.Uid, spec.Process.User.Gid));
        Assert.Equal(ContainerNetwork.None, spec.Network);
        Assert.True(spec.Privileged);
    }

    [Fact]
    public async Task RunAsync_RuntimeWritesRootFilesystem_ChangesBecomeTheLayer()
    {
        var runtime = new FakeContainerRuntime((spec, _) =>
        {
            File.WriteAllText(Path.Combine(spec.RootFilesystem, "built"), "yes");
            return 0;
        });

        CommittedLayer layer = await RunAsync(runtime, Step());

        Assert.Equal("yes", File.ReadAllText(Path.Combine(layer.Directory, "built")));
        Assert.True(_content.Contains((await layer.Layer).Descriptor.Digest));
    }

    [Fact]
    public async Task RunAsync_RuntimeReturnsNonZero_FailsWithStatusAndLastLines()
    {
        var runtime = new FakeContainerRuntime((_, output) =>
        {
            output(new ContainerOutputLine(true, "compiler says no"));
            return 2;
        });

        var error = await Assert.ThrowsAsync<ExecFailedException>(() => RunAsync(runtime, Step()));

        Assert.Equal(2, error.ExitCode);
        Assert.EndsWith("compiler says no", error.Message, StringComparison.Ordinal);
        Assert.Contains(new ContainerOutputLine(true, "compiler says no"), _output);
    }

    [Fact]
    public async Task RunAsync_AfterRuntimeReturns_RemovesTheBundle()
    {
        var runtime = new FakeContainerRuntime((_, _) => 0);

        await RunAsync(runtime, Step());

        Assert.False(Directory.Exists(Assert.Single(runtime.Runs).BundleDirectory));
    }

    [Fact]
    public async Task RunAsync_FailedWithKeepFailed_ShellRunsFromTheRunsOwnSpecOnTheFailedFilesystem()
    {
        var runtime = new FakeContainerRuntime((spec, _) =>
        {
            if (spec.Process.Terminal) return File.Exists(Path.Combine(spec.RootFilesystem, "half-built")) ? 0 : 9;
            File.WriteAllText(Path.Combine(spec.RootFilesystem, "half-built"), "yes");
            return 2;
        });
        var kept = new List<FailedRunContainer>();

        var error = await Assert.ThrowsAsync<ExecFailedException>(() => RunAsync(runtime, Step(user: "app", cwd: "/srv"), kept.Add));
        using FailedRunContainer container = Assert.Single(kept);
        int status = await container.RunAttachedAsync(["/bin/sh"], ["TERM=xterm"], CancellationToken.None);

        Assert.Same(container, error.Container);
        Assert.Equal(0, status); // the shell saw what the failed RUN wrote
        ContainerSpec run = Assert.Single(runtime.Runs).Spec;
        (_, ContainerSpec shell, string bundle) = Assert.Single(runtime.AttachedRuns);
        Assert.Equal(run.RootFilesystem, shell.RootFilesystem);
        Assert.Equal(run.Mounts, shell.Mounts);
        Assert.Equal((run.Network, run.Privileged, run.Hostname), (shell.Network, shell.Privileged, shell.Hostname));
        Assert.Equal((run.Process.User, run.Process.WorkingDirectory), (shell.Process.User, shell.Process.WorkingDirectory));
        Assert.Equal(["PATH=/bin", "TERM=xterm"], shell.Process.Env.AsEnumerable());
        Assert.Equal(["/bin/sh"], shell.Process.Args.AsEnumerable());
        Assert.True(shell.Process.Terminal);
        Assert.False(run.Process.Terminal);
        container.Dispose();
        Assert.False(Directory.Exists(bundle));
        Assert.False(Directory.Exists(run.RootFilesystem));
    }

    [Fact]
    public async Task RunAsync_FailedWithoutKeepFailed_RemovesTheContainerAtOnce()
    {
        var runtime = new FakeContainerRuntime((_, _) => 2);

        var error = await Assert.ThrowsAsync<ExecFailedException>(() => RunAsync(runtime, Step()));

        Assert.Null(error.Container);
        (_, ContainerSpec spec, string bundle) = Assert.Single(runtime.Runs);
        Assert.False(Directory.Exists(bundle));
        Assert.False(Directory.Exists(spec.RootFilesystem));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
