using System.Globalization;
using System.Text.RegularExpressions;
using Builder.Engine;

namespace Builder.Cli.Options;

/// <summary>
/// <c>--memory</c>, <c>--memory-swap</c>, <c>--cpus</c>, <c>--cpu-quota</c>, <c>--cpu-period</c> and <c>--pids-limit</c>,
/// with <c>docker run</c>'s meanings (docker/cli's <c>opts</c> and moby's daemon checks) and its error wording.
/// </summary>
internal static partial class RunResourcesParser
{
    // moby daemon/daemon_unix.go: linuxMinMemory.
    private const long MinimumMemory = 6 * 1024 * 1024;

    /// <exception cref="FormatException">A malformed or contradictory value: one line with a hint.</exception>
    public static RunLimits Parse(string? memory, string? memorySwap, string? cpus, long? cpuQuota, long? cpuPeriod, long? pidsLimit)
    {
        long? memoryBytes = memory is null ? null : Bytes("--memory", memory);
        if (memoryBytes < MinimumMemory)
            throw new FormatException($"--memory {memory} is below the minimum of 6MiB a container needs: write for example --memory 256m");
        long? swap = null;
        if (memorySwap is not null)
        {
            if (memoryBytes is null)
                throw new FormatException("--memory-swap needs --memory: it is the limit of memory plus swap, for example --memory 256m --memory-swap 512m");
            swap = memorySwap.Trim() == "-1" ? -1 : Bytes("--memory-swap", memorySwap);
            if (swap != -1 && swap < memoryBytes)
                throw new FormatException($"--memory-swap {memorySwap} is less than --memory {memory}: it counts memory plus swap (write -1 for unlimited swap)");
        }
        long? quota = cpuQuota, period = cpuPeriod;
        if (cpus is not null)
        {
            if (cpuQuota is not null || cpuPeriod is not null)
                throw new FormatException("--cpus cannot be combined with --cpu-quota or --cpu-period: give one or the other");
            if (!decimal.TryParse(cpus, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal count) || count <= 0)
                throw new FormatException($"invalid --cpus '{cpus}': write a number of CPUs, for example --cpus 1.5");
            // docker run --cpus: NanoCPUs, applied as a quota over a 100 ms period (moby daemon/oci_linux.go).
            quota = (long)Math.Round(count * RunLimits.DefaultCpuPeriod);
            period = RunLimits.DefaultCpuPeriod;
        }
        // The kernel refuses a CFS quota or period under 1 ms, and a period over 1 s (kernel/sched/core.c).
        if (quota is < 1000)
            throw new FormatException($"--cpu-quota {quota} is below 1000 microseconds, the kernel's minimum");
        if (period is < 1000 or > 1_000_000)
            throw new FormatException($"--cpu-period {period} is outside 1000..1000000 microseconds");
        return new RunLimits
        {
            MemoryBytes = memoryBytes,
            MemorySwapBytes = swap,
            CpuQuota = quota,
            CpuPeriod = period,
            // docker run: 0 or -1 is no limit.
            PidsLimit = pidsLimit is > 0 ? pidsLimit : null,
        };
    }

    // go-units RAMInBytes, as docker run reads --memory: binary units, "256m" = 256 MiB, an optional "i" and "b".
    private static long Bytes(string flag, string text)
    {
        Match match = RamSize().Match(text.Trim());
        if (!match.Success)
            throw new FormatException($"invalid {flag} '{text}': write a size such as 512m, 1g or 268435456 (bytes)");
        double number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        int power = "kmgtp".IndexOf(char.ToLowerInvariant(match.Groups[2].Value.FirstOrDefault('-')), StringComparison.Ordinal) + 1;
        return (long)(number * Math.Pow(1024, power));
    }

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?) ?([kKmMgGtTpP]?)[iI]?[bB]?$")]
    private static partial Regex RamSize();
}
