namespace Builder.Solver.Runtime;

/// <summary>
/// A container's process was killed because the container reached its memory limit (<see cref="ContainerResources.MemoryBytes"/>):
/// the kernel's OOM killer ended it, not the process itself.
/// </summary>
public sealed class MemoryLimitReachedException(long limitBytes, int exitCode)
    : Exception($"killed: memory limit {Describe(limitBytes)} reached (exit code: {exitCode})")
{
    /// <summary>The memory limit in bytes.</summary>
    public long LimitBytes { get; } = limitBytes;

    /// <summary>The exit status runc reported (137: killed by SIGKILL).</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>A limit as people write it: <c>256MiB</c>, <c>1.5GiB</c>, <c>4096B</c>.</summary>
    public static string Describe(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double size = bytes;
        int unit = 0;
        while (size >= 1024 && unit < units.Length - 1)
        {
            size /= 1024;
            unit++;
        }
        return size.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + units[unit];
    }
}
