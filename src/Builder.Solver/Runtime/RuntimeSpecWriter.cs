using System.Buffers;
using System.Collections.Immutable;
using System.Text.Json;

namespace Builder.Solver.Runtime;

/// <summary>
/// Writes the OCI runtime spec (<c>config.json</c>, runtime-spec 1.0.2) runc starts a build container from, with
/// the sandbox Docker gives a container: its own mount, PID, IPC and UTS namespaces, Docker's default capability
/// set, Docker's default seccomp profile, <c>noNewPrivileges</c>, masked and read-only kernel paths, and a minimal
/// <c>/dev</c>. A privileged container (<c>RUN --security=insecure</c>) gets none of these, as in BuildKit.
/// </summary>
public static class RuntimeSpecWriter
{
    /// <summary>The runtime-spec version written.</summary>
    public const string OciVersion = "1.0.2";

    // moby's oci/caps/defaults.go: the capabilities a container gets without --cap-add.
    private static readonly ImmutableArray<string> DefaultCapabilities =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    // Linux's capabilities by number (include/uapi/linux/capability.h), to read a capability mask.
    private static readonly ImmutableArray<string> CapabilitiesByBit =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
        "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
        "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
        "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
        "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    // RUN --security=insecure (BuildKit's entitlement security.insecure) gets every capability imgbuild itself holds,
    // as BuildKit's getAllCaps (util/entitlements/security) grants cap.Current(): asking runc for one the process
    // lacks (CAP_SYS_RESOURCE in a restricted VM) fails every such RUN with "unable to apply caps".
    private static readonly Lazy<ImmutableArray<string>> AllCapabilities = new(() => CapabilitiesIn(CurrentBoundingSet()));

    // moby's oci/defaults.go: kernel paths a container must not read or write.
    private static readonly ImmutableArray<string> MaskedPaths =
    [
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
    ];

    private static readonly ImmutableArray<string> ReadonlyPaths =
        ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

    // Resolved once: it depends only on the capability set, the architecture and the kernel.
    private static readonly Lazy<SeccompProfile> DefaultSeccomp = new(() => SeccompProfile.For(DefaultCapabilities));

    /// <summary>The standard mounts every container gets, before <see cref="ContainerSpec.Mounts"/>.</summary>
    public static ImmutableArray<ContainerMount> StandardMounts { get; } =
    [
        new("/proc", "proc", "proc", ["nosuid", "noexec", "nodev"]),
        new("/dev", "tmpfs", "tmpfs", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
        new("/dev/pts", "devpts", "devpts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
        new("/dev/shm", "tmpfs", "shm", ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
        new("/dev/mqueue", "mqueue", "mqueue", ["nosuid", "noexec", "nodev"]),
        new("/sys", "sysfs", "sysfs", ["nosuid", "noexec", "nodev", "ro"]),
        new("/sys/fs/cgroup", "cgroup", "cgroup", ["nosuid", "noexec", "nodev", "relatime", "ro"]),
    ];

    /// <summary>Serialises the runtime spec for <paramref name="spec"/> as UTF-8 JSON.</summary>
    public static byte[] Write(ContainerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("ociVersion", OciVersion);
            WriteProcess(json, spec);
            json.WriteStartObject("root");
            json.WriteString("path", spec.RootFilesystem);
            json.WriteBoolean("readonly", false);
            json.WriteEndObject();
            json.WriteString("hostname", spec.Hostname);
            json.WriteStartArray("mounts");
            foreach (ContainerMount mount in StandardMounts.Concat(spec.Mounts))
                WriteMount(json, mount);
            json.WriteEndArray();
            WriteLinux(json, spec);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteProcess(Utf8JsonWriter json, ContainerSpec spec)
    {
        ContainerProcess process = spec.Process;
        json.WriteStartObject("process");
        json.WriteBoolean("terminal", process.Terminal);
        json.WriteStartObject("user");
        json.WriteNumber("uid", process.User.Uid);
        json.WriteNumber("gid", process.User.Gid);
        if (!process.User.AdditionalGids.IsEmpty)
        {
            json.WriteStartArray("additionalGids");
            foreach (uint gid in process.User.AdditionalGids) json.WriteNumberValue(gid);
            json.WriteEndArray();
        }
        json.WriteEndObject();
        WriteStrings(json, "args", process.Args);
        WriteStrings(json, "env", process.Env);
        json.WriteString("cwd", process.WorkingDirectory);
        ImmutableArray<string> capabilities = spec.Privileged ? AllCapabilities.Value : DefaultCapabilities;
        json.WriteStartObject("capabilities");
        foreach (string set in new[] { "bounding", "effective", "permitted" })
            WriteStrings(json, set, capabilities);
        json.WriteEndObject();
        // Without --ulimit, no rlimits: the process inherits imgbuild's, as a dockerd container inherits the daemon's
        // (BuildKit clears the spec's defaults the same way, executor/oci/spec.go). Raising RLIMIT_NOFILE by default
        // failed in runc ("operation not permitted") when imgbuild's hard limit is lower.
        if (!spec.Ulimits.IsEmpty)
        {
            json.WriteStartArray("rlimits");
            foreach (Builder.Graph.Ulimit limit in spec.Ulimits)
            {
                json.WriteStartObject();
                json.WriteString("type", "RLIMIT_" + limit.Name.ToUpperInvariant());
                // -1 (unlimited) is RLIM_INFINITY, the all-ones 64-bit value, as Go's uint64(-1) gives it.
                json.WriteNumber("hard", unchecked((ulong)limit.Hard));
                json.WriteNumber("soft", unchecked((ulong)limit.Soft));
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteBoolean("noNewPrivileges", !spec.Privileged);
        json.WriteEndObject();
    }

    private static void WriteLinux(Utf8JsonWriter json, ContainerSpec spec)
    {
        json.WriteStartObject("linux");
        json.WriteStartArray("namespaces");
        foreach (string type in spec.Network == ContainerNetwork.None
            ? new[] { "pid", "ipc", "uts", "mount", "network" }
            : ["pid", "ipc", "uts", "mount"])
        {
            json.WriteStartObject();
            json.WriteString("type", type);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (spec.CgroupsPath is { } cgroupsPath)
            json.WriteString("cgroupsPath", cgroupsPath);
        if (!spec.Resources.IsEmpty)
            WriteResources(json, spec.Resources);
        if (!spec.Privileged)
        {
            WriteStrings(json, "maskedPaths", MaskedPaths);
            WriteStrings(json, "readonlyPaths", ReadonlyPaths);
            // BuildKit's SANDBOX security mode (executor/oci/spec_linux.go): the default profile for the default
            // capabilities; INSECURE runs unconfined (security.WithInsecureSpec).
            DefaultSeccomp.Value.Write(json);
        }
        json.WriteEndObject();
    }

    // runtime-spec config-linux.md "Control groups": runc writes these to memory.limit_in_bytes, memory.memsw.limit_in_bytes,
    // cpu.cfs_quota_us/cfs_period_us and pids.max on cgroup v1, and to memory.max, memory.swap.max (swap minus memory),
    // cpu.max and pids.max on cgroup v2.
    private static void WriteResources(Utf8JsonWriter json, ContainerResources resources)
    {
        json.WriteStartObject("resources");
        if (resources.MemoryBytes is not null || resources.MemorySwapBytes is not null)
        {
            json.WriteStartObject("memory");
            if (resources.MemoryBytes is { } memory) json.WriteNumber("limit", memory);
            if (resources.EffectiveMemorySwap is { } swap) json.WriteNumber("swap", swap);
            json.WriteEndObject();
        }
        if (resources.CpuQuota is not null || resources.CpuPeriod is not null)
        {
            json.WriteStartObject("cpu");
            if (resources.CpuQuota is { } quota) json.WriteNumber("quota", quota);
            if (resources.CpuPeriod is { } period) json.WriteNumber("period", period);
            json.WriteEndObject();
        }
        if (resources.PidsLimit is { } pids)
        {
            json.WriteStartObject("pids");
            json.WriteNumber("limit", pids);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    /// <summary>The names of the capabilities set in <paramref name="mask"/>, in bit order; unknown bits are left out.</summary>
    internal static ImmutableArray<string> CapabilitiesIn(ulong mask) =>
        [.. CapabilitiesByBit.Where((_, bit) => (mask & (1UL << bit)) != 0)];

    // CapBnd in /proc/self/status: the capabilities this process, and so a container it starts, can have.
    private static ulong CurrentBoundingSet()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("CapBnd:", StringComparison.Ordinal))
                return ulong.Parse(line.AsSpan("CapBnd:".Length).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("/proc/self/status has no CapBnd line");
    }

    private static void WriteMount(Utf8JsonWriter json, ContainerMount mount)
    {
        json.WriteStartObject();
        json.WriteString("destination", mount.Destination);
        json.WriteString("type", mount.Type);
        json.WriteString("source", mount.Source);
        WriteStrings(json, "options", mount.Options);
        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
