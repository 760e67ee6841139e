using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// <c>--memory</c>, <c>--cpus</c> and <c>--pids-limit</c> on real RUN containers (runc, the machine's cgroups, v1 or v2):
/// the limits reach the container's cgroup, and a RUN killed for its memory limit says so.
/// </summary>
public sealed class RunResourcesBuildTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-limits-e2e-").FullName;
    private readonly string _base;

    public RunResourcesBuildTests()
    {
        _base = _registry.SeedBusybox("library/busybox");
    }

    private (int Status, string Out, string Err) Imgbuild(params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, "store"), .. args]);

    // tail keeps everything after the last newline, and /dev/zero has none: it holds all 100 MiB.
    private string Allocating100MiB() => TestContext.WithDockerfile(_root, $"FROM {_base}\nRUN head -c 100m /dev/zero | tail > /dev/null\n");

    [Fact]
    public void Memory_RunAllocatingPastTheLimit_FailsSayingTheLimitWasReached()
    {
        RequiredTool.RequireRoot();
        string context = Allocating100MiB();

        var limited = Imgbuild("--progress", "plain", "--memory", "32m", context);

        Assert.Equal(1, limited.Status);
        Assert.Contains("was killed: memory limit 32MiB reached (exit code: 137)", limited.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Memory_Unset_SameRunAllocatesAndSucceeds()
    {
        RequiredTool.RequireRoot();

        var unlimited = Imgbuild("--progress", "plain", Allocating100MiB());

        Assert.True(unlimited.Status == 0, unlimited.Err);
    }

    [Fact]
    public void Memory_RunKilledByAnotherSignal_KeepsTheExitCodeMessage()
    {
        RequiredTool.RequireRoot();
        string context = TestContext.WithDockerfile(_root, $"FROM {_base}\nRUN sleep 100 & kill -9 $!; wait $!\n");

        var build = Imgbuild("--progress", "plain", "--memory", "64m", context);

        Assert.Equal(1, build.Status);
        Assert.Contains("did not complete successfully: exit code: 137", build.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("memory limit", build.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_ReachTheRunContainersCgroup_AndItsParentIsRemovedAfter()
    {
        RequiredTool.RequireRoot();
        bool unified = File.Exists("/sys/fs/cgroup/cgroup.controllers");
        string parents = unified ? "/sys/fs/cgroup/imgbuild" : "/sys/fs/cgroup/memory/imgbuild";
        string[] before = Directory.Exists(parents) ? Directory.GetDirectories(parents) : [];
        // runc mounts the container's own cgroup at /sys/fs/cgroup (v1: one per controller); a v2 hierarchy without a
        // cgroup namespace shows the host's tree, where the container's cgroup is the path /proc/self/cgroup names.
        string context = TestContext.WithDockerfile(_root, $$"""
            FROM {{_base}}
            RUN if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then \
                  cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us; \
                else \
                  p=$(grep '^0::' /proc/self/cgroup | cut -d: -f3); \
                  for d in /sys/fs/cgroup$p /sys/fs/cgroup; do [ -f $d/memory.max ] && { cat $d/memory.max $d/pids.max $d/cpu.max; break; }; done; \
                fi > /limits
            """);
        string output = Path.Combine(_root, "out");

        var build = Imgbuild("--memory", "48m", "--pids-limit", "50", "--cpus", "1.5", "--output", $"type=local,dest={output}", context);

        Assert.True(build.Status == 0, build.Err);
        Assert.Equal(unified ? "50331648\n50\n150000 100000\n" : "50331648\n50\n150000\n100000\n", File.ReadAllText(Path.Combine(output, "limits")));
        Assert.Equal(before, Directory.Exists(parents) ? Directory.GetDirectories(parents) : []);
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
