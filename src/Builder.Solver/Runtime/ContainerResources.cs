namespace Builder.Solver.Runtime;

/// <summary>
/// The cgroup limits of a build container: the runtime spec's <c>linux.resources</c> (runtime-spec 1.0.2, config-linux
/// "Control groups"), which runc applies on cgroup v1 and v2 alike. A value left null is no limit, as without the flag.
/// </summary>
public sealed record ContainerResources
{
    /// <summary>No limits: what a RUN gets by default.</summary>
    public static ContainerResources None { get; } = new();

    /// <summary><c>memory.limit</c> in bytes (<c>--memory</c>).</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>
    /// <c>memory.swap</c>: memory plus swap in bytes, -1 for unlimited swap (<c>--memory-swap</c>). Null with a memory limit
    /// is twice the memory, as <c>docker run --memory</c> without <c>--memory-swap</c> lets a container swap as much as it
    /// may use.
    /// </summary>
    public long? MemorySwapBytes { get; init; }

    /// <summary><c>cpu.quota</c>: microseconds of CPU time per <see cref="CpuPeriod"/> (<c>--cpu-quota</c>, or <c>--cpus</c> × period).</summary>
    public long? CpuQuota { get; init; }

    /// <summary><c>cpu.period</c> in microseconds; null is the kernel's 100,000 (100 ms).</summary>
    public long? CpuPeriod { get; init; }

    /// <summary><c>pids.limit</c>: the most processes and threads at once (<c>--pids-limit</c>).</summary>
    public long? PidsLimit { get; init; }

    /// <summary>True when no limit is set.</summary>
    public bool IsEmpty => MemoryBytes is null && MemorySwapBytes is null && CpuQuota is null && CpuPeriod is null && PidsLimit is null;

    /// <summary>The memory+swap limit runc gets: <see cref="MemorySwapBytes"/>, else twice the memory limit.</summary>
    public long? EffectiveMemorySwap => MemorySwapBytes ?? (MemoryBytes is { } memory ? 2 * memory : null);
}
