using Builder.Solver.Progress;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using Builder.Solver.Runtime;
using Builder.Testing;
using Builder.Testing.Images;

namespace Builder.Solver.Tests.Runtime;

/// <summary>Real containers: runc from Debian, the busybox fixture as root filesystem.</summary>
public sealed class RuncRuntimeTests : IDisposable
{
    private readonly BusyboxRootfs _rootfs = new();
    private readonly RuncRuntime _runtime;
    private readonly ConcurrentQueue<ContainerOutputLine> _output = new();

    public RuncRuntimeTests()
    {
        _runtime = new RuncRuntime(RequiredTool.Find("runc", "runc"), Path.Combine(_rootfs.Parent, "runc-state"));
    }

    private ContainerSpec Shell(string script, ContainerUser? user = null, string cwd = "/") =>
        new(_rootfs.Path, new ContainerProcess(["/bin/sh", "-c", script], ["PATH=/bin", "GREETING=hello"], cwd, user ?? ContainerUser.Root));

    private Task<int> RunAsync(ContainerSpec spec, CancellationToken cancellationToken = default) =>
        _runtime.RunAsync("imgbuild-test-" + Guid.NewGuid().ToString("N")[..12], spec, Path.Combine(_rootfs.Parent, "bundle-" + Guid.NewGuid().ToString("N")),
            _output.Enqueue, cancellationToken);

    private string Stdout => string.Join("\n", _output.Where(l => !l.IsStandardError).Select(l => l.Text));

    [Fact]
    public async Task RunAsync_Echo_StreamsStdoutAndStderrLines()
    {
        int status = await RunAsync(Shell("echo $GREETING; echo oops >&2"));

        Assert.Equal(0, status);
        Assert.Contains(new ContainerOutputLine(false, "hello"), _output);
        Assert.Contains(new ContainerOutputLine(true, "oops"), _output);
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_ReturnsStatus()
    {
        Assert.Equal(7, await RunAsync(Shell("exit 7")));
    }

    [Fact]
    public async Task RunAsync_WritesFiles_IntoRootFilesystem()
    {
        await RunAsync(Shell("mkdir -p /work && echo built > /work/out"));

        Assert.Equal("built\n", File.ReadAllText(Path.Combine(_rootfs.Path, "work", "out")));
    }

    [Fact]
    public async Task RunAsync_OwnNamespaces_ProcessIsPid1WithSandboxHostname()
    {
        await RunAsync(Shell("echo pid=$$; hostname"));

        Assert.Equal("pid=1\nbuildkitsandbox", Stdout);
    }

    [Fact]
    public async Task RunAsync_User_RunsWithThoseIds()
    {
        ContainerUser app = ContainerUserResolver.Resolve("app", _rootfs.Path);

        await RunAsync(Shell("id -u; id -g", app));

        Assert.Equal("1000\n1000", Stdout);
    }

    [Fact]
    public async Task RunAsync_UserListedInGroups_HasPrimaryAndListedGroups()
    {
        // As BuildKit v0.24 runs it (parity case run-user-groups): id shows the primary group and each listing one.
        File.AppendAllText(Path.Combine(_rootfs.Path, "etc", "group"), "ops:x:2001:app\n");
        ContainerUser app = ContainerUserResolver.Resolve("app", _rootfs.Path);

        await RunAsync(Shell("id", app));

        Assert.Equal("uid=1000(app) gid=1000(app) groups=1000(app),2001(ops)", Stdout);
    }

    [Fact]
    public async Task RunAsync_NetworkNone_SeesOnlyLoopback()
    {
        await RunAsync(Shell("ls /sys/class/net") with { Network = ContainerNetwork.None });

        Assert.Equal("lo", Stdout);
    }

    [Fact]
    public async Task RunAsync_DefaultCapabilities_CannotMountOrSeeKcore()
    {
        int status = await RunAsync(Shell("mount -t tmpfs none /mnt 2>/dev/null && echo mounted; cat /proc/kcore 2>/dev/null | head -c1 | wc -c; grep CapEff /proc/self/status"));

        Assert.True(status == 0, string.Join('\n', _output.Select(l => l.Text)));
        string[] lines = Stdout.Split('\n');
        Assert.DoesNotContain("mounted", lines);
        Assert.Equal("0", lines[0].Trim());
        Assert.Equal("CapEff:\t00000000a80425fb", lines[1]);
    }

    // unshare(CLONE_NEWUSER) needs no capability, so only Docker's seccomp profile (which allows unshare with
    // CAP_SYS_ADMIN only) stops it. Issue 14: every build container used to run with "Seccomp: 0".
    private const string SeccompProbe = "grep Seccomp: /proc/self/status; busybox unshare -U true 2>/dev/null && echo unshared || echo blocked";

    [Fact]
    public async Task RunAsync_Sandbox_HasTheDefaultSeccompFilterThatBlocksUnshare()
    {
        int status = await RunAsync(Shell(SeccompProbe));

        Assert.True(status == 0, string.Join('\n', _output.Select(l => l.Text)));
        Assert.Equal("Seccomp:\t2\nblocked", Stdout);
    }

    [Fact]
    public async Task RunAsync_Privileged_RunsUnconfinedAndMayUnshare()
    {
        int status = await RunAsync(Shell(SeccompProbe) with { Privileged = true });

        Assert.True(status == 0, string.Join('\n', _output.Select(l => l.Text)));
        Assert.Equal("Seccomp:\t0\nunshared", Stdout);
    }

    [Fact]
    public async Task RunAsync_NetworkFiles_AreMountedAndLeaveNoStubs()
    {
        File.Delete(Path.Combine(_rootfs.Path, "etc", "group"));
        Assert.False(File.Exists(Path.Combine(_rootfs.Path, "etc", "hosts")));

        await RunAsync(Shell("cat /etc/hostname; grep -c localhost /etc/hosts"));

        Assert.Equal("buildkitsandbox\n2", Stdout);
        Assert.False(File.Exists(Path.Combine(_rootfs.Path, "etc", "hosts")));
        Assert.False(File.Exists(Path.Combine(_rootfs.Path, "etc", "resolv.conf")));
        Assert.False(File.Exists(Path.Combine(_rootfs.Path, "etc", "hostname")));
    }

    [Fact]
    public async Task RunAsync_Cancelled_KillsAndDeletesContainer()
    {
        using var cancel = new CancellationTokenSource();
        Task<int> run = RunAsync(Shell("echo started; sleep 600"), cancel.Token);
        await WaitForLineAsync("started", run);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Empty(await _runtime.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RunAsync_Finished_LeavesNoContainer()
    {
        await RunAsync(Shell("true"));

        Assert.Empty(await _runtime.ListAsync(CancellationToken.None));
    }

    // If runc fails to start the container the line never comes: stop at the run's end or after a deadline, and say why.
    private async Task WaitForLineAsync(string text, Task<int> run)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (!_output.Any(l => l.Text == text))
        {
            string seen = string.Join('\n', _output.Select(l => l.Text));
            // Output comes before the run completes: a line printed just before it ended is in _output by now.
            if (run.IsCompleted && !_output.Any(l => l.Text == text))
                Assert.Fail($"the container ended ({run.Status}{(run.IsCompletedSuccessfully ? $", exit {run.Result}" : "")}) before printing '{text}'; its output:\n{seen}{(run.Exception is { } e ? "\n" + e.GetBaseException().Message : "")}");
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"the container did not print '{text}' within 30 seconds; its output:\n{seen}");
            await Task.Delay(20);
        }
    }

    public void Dispose() => _rootfs.Dispose();
}
