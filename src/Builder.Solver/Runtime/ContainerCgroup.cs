using System.Globalization;

namespace Builder.Solver.Runtime;

/// <summary>
/// The cgroup a limited build container runs under: runc makes the container's own cgroup at
/// <c>/imgbuild/&lt;id&gt;/run</c> (<see cref="CgroupsPath"/>) and removes it when the process ends (<c>runc run</c>
/// destroys its container), but leaves the parent <c>/imgbuild/&lt;id&gt;</c> it had to create. The parent's counters
/// are hierarchical, so they still say after the exit whether the container reached its memory limit, and this
/// removes the parent afterwards.
/// </summary>
/// <remarks>
/// cgroup v2: the parent's <c>memory.events</c> <c>oom_kill</c> counts OOM kills in its descendants (cgroup-v2.rst,
/// "memory.events ... values in this file are hierarchical"). cgroup v1 keeps <c>oom_kill</c> per memcg only
/// (measured: a parent's <c>memory.oom_control</c> stays 0), but its usage is hierarchical: the parent's
/// <c>memory.max_usage_in_bytes</c> is the container's peak, and a process killed with SIGKILL whose peak reached
/// its limit was the OOM killer's.
/// </remarks>
internal sealed class ContainerCgroup(string containerId, string cgroupRoot = ContainerCgroup.DefaultRoot)
{
    private const string DefaultRoot = "/sys/fs/cgroup";
    private const string Parent = "imgbuild";

    /// <summary>The runtime spec's <c>linux.cgroupsPath</c> for the container.</summary>
    public string CgroupsPath => $"/{Parent}/{containerId}/run";

    private bool Unified => File.Exists(Path.Combine(cgroupRoot, "cgroup.controllers"));

    /// <summary>
    /// True when the container's processes were killed for reaching <paramref name="limitBytes"/>; read after runc
    /// ended, before <see cref="Remove"/>.
    /// </summary>
    public bool MemoryLimitReached(long limitBytes)
    {
        if (Unified)
            return ReadKeyed(Path.Combine(cgroupRoot, Parent, containerId, "memory.events"), "oom_kill") > 0;
        string memory = Path.Combine(cgroupRoot, "memory", Parent, containerId);
        if (ReadKeyed(Path.Combine(memory, "memory.oom_control"), "oom_kill") > 0) return true; // a kernel that propagates it
        // The charge that fails is not counted, so the peak can stop a few pages short of the limit.
        long slack = Math.Min(1 << 20, limitBytes / 16);
        return ReadNumber(Path.Combine(memory, "memory.max_usage_in_bytes")) is { } peak && peak + slack >= limitBytes;
    }

    /// <summary>Removes the parent cgroup in every hierarchy it was made in (v1: one per controller).</summary>
    public void Remove()
    {
        IEnumerable<string> hierarchies = Unified ? [cgroupRoot]
            : Directory.Exists(cgroupRoot) ? Directory.EnumerateDirectories(cgroupRoot) : [];
        foreach (string hierarchy in hierarchies)
        {
            string directory = Path.Combine(hierarchy, Parent, containerId);
            try
            {
                // rmdir: a cgroup's files are the kernel's, and an empty cgroup goes with its directory.
                if (Directory.Exists(directory)) Directory.Delete(directory);
            }
            catch (IOException)
            {
                // still busy (a process left behind by a killed runc); the build's recovery removes it later
            }
        }
    }

    private static long? ReadNumber(string path) =>
        File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : null;

    // A "key value" per line file: memory.events, memory.oom_control.
    private static long ReadKeyed(string path, string key)
    {
        if (!File.Exists(path)) return 0;
        foreach (string line in File.ReadLines(path))
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 2 && words[0] == key && long.TryParse(words[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
                return value;
        }
        return 0;
    }
}
