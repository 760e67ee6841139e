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

    private Task<CommittedLayer> RunAsync(IContainerRuntime runtime, ExecStep step)
    {
        var runner = new ExecStepRunner(new CopySnapshotter(), runtime, new SnapshotCommitter(_content, _work, Path.Combine(_root, "layers")), _work);
        var mounts = new RunMountOptions(Path.Combine(_root, "cache-mounts"), ImmutableDictionary<string, byte[]>.Empty, new CopySnapshotter(), _work);
        return runner.RunAsync(step, [(IReadOnlyList<string>)[_lower]], mounts, _output.Enqueue, new LayerWriteOptions(), CancellationToken.None);
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
        Assert.True(_content.Contains(layer.Layer.Descriptor.Digest));
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

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
