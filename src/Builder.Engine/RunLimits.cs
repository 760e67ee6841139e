using Builder.Solver.Runtime;

namespace Builder.Engine;

/// <summary>
/// The cgroup limits a build gives every RUN container (<c>--memory</c>, <c>--memory-swap</c>, <c>--cpus</c> or
/// <c>--cpu-quota</c>/<c>--cpu-period</c>, <c>--pids-limit</c>), with <c>docker run</c>'s meanings. A value left null
/// is no limit. The engine hands them to the runtime as the runtime spec's <c>linux.resources</c>.
/// </summary>
public sealed record RunLimits
{
    /// <summary>No limits: the default.</summary>
    public static RunLimits None { get; } = new();

    /// <summary>The period <c>--cpus</c> is converted with, in microseconds (Docker's <c>NanoCPUs</c> → a 100 ms period).</summary>
    public const long DefaultCpuPeriod = 100_000;

    /// <summary>Memory limit in bytes.</summary>
    public long? MemoryBytes { get; init; }

    /// <summary>Memory plus swap in bytes, -1 for unlimited swap; null with a memory limit is twice the memory.</summary>
    public long? MemorySwapBytes { get; init; }

    /// <summary>CPU time in microseconds per <see cref="CpuPeriod"/>.</summary>
    public long? CpuQuota { get; init; }

    /// <summary>The CFS period in microseconds; null is the kernel's 100 ms.</summary>
    public long? CpuPeriod { get; init; }

    /// <summary>The most processes and threads at once.</summary>
    public long? PidsLimit { get; init; }

    internal ContainerResources ToContainerResources() => new()
    {
        MemoryBytes = MemoryBytes,
        MemorySwapBytes = MemorySwapBytes,
        CpuQuota = CpuQuota,
        CpuPeriod = CpuPeriod,
        PidsLimit = PidsLimit,
    };
}
