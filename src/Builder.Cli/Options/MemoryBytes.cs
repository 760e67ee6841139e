using System.Globalization;
using System.Text.RegularExpressions;

namespace Builder.Cli.Options;

/// <summary>
/// A memory size as docker reads one (<c>--shm-size 64m</c>; go-units' RAMInBytes): a number with an optional
/// <c>b</c>, <c>k</c>, <c>m</c>, <c>g</c>, <c>t</c> or <c>p</c> unit, every unit a power of 1024, <c>kb</c> and <c>KiB</c> alike.
/// </summary>
internal static partial class MemoryBytes
{
    /// <exception cref="FormatException">Not a size, or not above zero.</exception>
    public static long Parse(string flag, string text)
    {
        Match match = Size().Match(text);
        if (!match.Success)
            throw new FormatException($"invalid {flag} '{text}': write a size such as 64m, 1g or 268435456");
        double number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        int power = "bkmgtp".IndexOf(char.ToLowerInvariant(match.Groups[2].Value.FirstOrDefault('b')), StringComparison.Ordinal);
        long bytes = (long)(number * Math.Pow(1024, power));
        return bytes > 0 ? bytes : throw new FormatException($"invalid {flag} '{text}': the size must be above zero");
    }

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$")]
    private static partial Regex Size();
}
