using System.Text.Json;
using Builder.Solver.Runtime;

namespace Builder.Solver.Tests.Runtime;

/// <summary>The cgroup limits in the runtime spec, and how an OOM kill is told from the limited container's parent cgroup.</summary>
public sealed class ContainerResourcesTests : IDisposable
{
    private readonly string _cgroups = Directory.CreateTempSubdirectory("imgbuild-cgroup-test-").FullName;
    private static readonly ContainerSpec Spec = new("/rootfs", new ContainerProcess(["/bin/true"], [], "/", ContainerUser.Root));

    [Fact]
    public void RuntimeSpec_Limits_WrittenAsLinuxResources()
    {
        var spec = Spec with
        {
            Resources = new ContainerResources { MemoryBytes = 256 << 20, CpuQuota = 150_000, CpuPeriod = 100_000, PidsLimit = 50 },
            CgroupsPath = "/imgbuild/x/run",
        };

        JsonElement linux = JsonDocument.Parse(RuntimeSpecWriter.Write(spec)).RootElement.GetProperty("linux");

        JsonElement resources = linux.GetProperty("resources");
        Assert.Equal(256L << 20, resources.GetProperty("memory").GetProperty("limit").GetInt64());
        Assert.Equal(512L << 20, resources.GetProperty("memory").GetProperty("swap").GetInt64()); // docker run's default: twice the memory
        Assert.Equal(150_000, resources.GetProperty("cpu").GetProperty("quota").GetInt64());
        Assert.Equal(100_000, resources.GetProperty("cpu").GetProperty("period").GetInt64());
        Assert.Equal(50, resources.GetProperty("pids").GetProperty("limit").GetInt64());
        Assert.Equal("/imgbuild/x/run", linux.GetProperty("cgroupsPath").GetString());
    }

    [Fact]
    public void RuntimeSpec_NoLimits_HasNoResourcesAndNoCgroupsPath()
    {
        JsonElement linux = JsonDocument.Parse(RuntimeSpecWriter.Write(Spec)).RootElement.GetProperty("linux");

        Assert.False(linux.TryGetProperty("resources", out _));
        Assert.False(linux.TryGetProperty("cgroupsPath", out _));
    }

    [Fact]
    public void MemoryLimitReached_V2_ReadsOomKillOfTheParent()
    {
        File.WriteAllText(Path.Combine(_cgroups, "cgroup.controllers"), "memory pids cpu\n");
        string parent = Directory.CreateDirectory(Path.Combine(_cgroups, "imgbuild", "c1")).FullName;
        File.WriteAllText(Path.Combine(parent, "memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n");
        Directory.CreateDirectory(Path.Combine(_cgroups, "imgbuild", "c2"));
        File.WriteAllText(Path.Combine(_cgroups, "imgbuild", "c2", "memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");

        Assert.True(new ContainerCgroup("c1", _cgroups).MemoryLimitReached(32 << 20));
        Assert.False(new ContainerCgroup("c2", _cgroups).MemoryLimitReached(32 << 20));
    }

    [Fact]
    public void MemoryLimitReached_V1_ComparesThePeakWithTheLimit()
    {
        foreach ((string id, long peak) in new[] { ("full", (32L << 20) - 8192), ("low", 4L << 20) })
        {
            string parent = Directory.CreateDirectory(Path.Combine(_cgroups, "memory", "imgbuild", id)).FullName;
            File.WriteAllText(Path.Combine(parent, "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
            File.WriteAllText(Path.Combine(parent, "memory.max_usage_in_bytes"), peak + "\n");
        }

        Assert.True(new ContainerCgroup("full", _cgroups).MemoryLimitReached(32 << 20));
        Assert.False(new ContainerCgroup("low", _cgroups).MemoryLimitReached(32 << 20));
    }

    [Fact]
    public void Remove_V1_RemovesTheParentInEveryHierarchy()
    {
        string[] hierarchies = ["memory", "pids", "cpu"];
        foreach (string hierarchy in hierarchies) Directory.CreateDirectory(Path.Combine(_cgroups, hierarchy, "imgbuild", "c1"));

        new ContainerCgroup("c1", _cgroups).Remove();

        Assert.All(hierarchies, h => Assert.False(Directory.Exists(Path.Combine(_cgroups, h, "imgbuild", "c1"))));
        Assert.All(hierarchies, h => Assert.True(Directory.Exists(Path.Combine(_cgroups, h, "imgbuild"))));
    }

    public void Dispose() => Directory.Delete(_cgroups, recursive: true);
}
