namespace Builder.Frontend.Instructions;

/// <summary>
/// Durations in Go's <c>time.ParseDuration</c> syntax (<c>1h2m3.5s</c>, <c>300ms</c>, <c>-1.5h</c>, <c>0</c>), which
/// HEALTHCHECK flags and docker's command-line flags use. The parser is a port of Go's, integer nanoseconds and
/// all, so it accepts, rejects and rounds exactly what Go does.
/// </summary>
public static class GoDuration
{
    private const ulong Limit = 1UL << 63; // Go checks against 1<<63 (uint64) while it accumulates

    // time.unitMap: "µs" is U+00B5 (micro sign), "μs" U+03BC (Greek mu).
    private static readonly Dictionary<string, ulong> NanosecondsPerUnit = new(StringComparer.Ordinal)
    {
        ["ns"] = 1, ["us"] = 1_000, ["\u00B5s"] = 1_000, ["\u03BCs"] = 1_000, ["ms"] = 1_000_000,
        ["s"] = 1_000_000_000, ["m"] = 60_000_000_000, ["h"] = 3_600_000_000_000,
    };

    /// <summary>Reads <paramref name="text"/> as Go's <c>time.ParseDuration</c> does.</summary>
    /// <returns>
    /// Whether it is a duration Go accepts. <paramref name="duration"/> is rounded away from zero to whole
    /// <see cref="TimeSpan"/> ticks (100ns), so a non-zero Go duration never becomes zero.
    /// </returns>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (!TryParseNanoseconds(text, out long nanoseconds))
            return false;
        long ticks = nanoseconds / 100;
        if (nanoseconds % 100 != 0)
            ticks += Math.Sign(nanoseconds);
        duration = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>
    /// The short form docker prints a duration in: whole hours, minutes and seconds, zero parts left out
    /// (<c>1h30m</c>, <c>10m</c>), and <c>0s</c> for nothing. Fractions of a second are dropped.
    /// </summary>
    public static string Format(TimeSpan duration)
    {
        string text = (duration.Days * 24 + duration.Hours > 0 ? $"{duration.Days * 24 + duration.Hours}h" : "")
            + (duration.Minutes > 0 ? $"{duration.Minutes}m" : "")
            + (duration.Seconds > 0 ? $"{duration.Seconds}s" : "");
        return text.Length == 0 ? "0s" : text;
    }

    /// <summary>
    /// Go's <c>time.ParseDuration</c>: <c>[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+</c> or a lone <c>0</c>, each number
    /// needing digits before or after its point and a known unit, the total within ±(2^63−1)ns (−2^63 too).
    /// </summary>
    internal static bool TryParseNanoseconds(string text, out long nanoseconds)
    {
        nanoseconds = 0;
        ReadOnlySpan<char> s = text;
        bool negative = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s is "0")
            return true;
        if (s.IsEmpty)
            return false;
        ulong total = 0;
        while (!s.IsEmpty)
        {
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0])))
                return false;
            int before = s.Length;
            if (!TryLeadingInt(ref s, out ulong value))
                return false;
            bool digitsBefore = before != s.Length;
            ulong fraction = 0;
            double scale = 1;
            bool digitsAfter = false;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                int afterPoint = s.Length;
                (fraction, scale) = LeadingFraction(ref s);
                digitsAfter = afterPoint != s.Length;
            }
            if (!digitsBefore && !digitsAfter)
                return false;
            int unitLength = 0;
            while (unitLength < s.Length && !(s[unitLength] == '.' || char.IsAsciiDigit(s[unitLength])))
                unitLength++;
            if (unitLength == 0 || !NanosecondsPerUnit.TryGetValue(s[..unitLength].ToString(), out ulong unit))
                return false;
            s = s[unitLength..];
            if (value > Limit / unit)
                return false;
            value *= unit;
            if (fraction > 0)
            {
                // Go: float64 is needed to be nanosecond accurate for fractions of hours.
                value += (ulong)(fraction * (unit / scale));
                if (value > Limit)
                    return false;
            }
            total += value;
            if (total > Limit)
                return false;
        }
        if (negative)
        {
            nanoseconds = unchecked(-(long)total); // 2^63 wraps to long.MinValue, as in Go
            return true;
        }
        if (total > Limit - 1)
            return false;
        nanoseconds = (long)total;
        return true;
    }

    // Go's leadingInt: the digits at the start, failing past 2^63.
    private static bool TryLeadingInt(ref ReadOnlySpan<char> s, out ulong value)
    {
        value = 0;
        int i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (value > Limit / 10)
                return false;
            value = value * 10 + (ulong)(s[i] - '0');
            if (value > Limit)
                return false;
        }
        s = s[i..];
        return true;
    }

    // Go's leadingFraction: the digits after a point and 10^(digits kept); digits past overflow are read and dropped.
    private static (ulong Fraction, double Scale) LeadingFraction(ref ReadOnlySpan<char> s)
    {
        ulong fraction = 0;
        double scale = 1;
        bool overflow = false;
        int i = 0;
        for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
        {
            if (overflow)
                continue;
            if (fraction > (Limit - 1) / 10)
            {
                overflow = true;
                continue;
            }
            ulong next = fraction * 10 + (ulong)(s[i] - '0');
            if (next > Limit)
            {
                overflow = true;
                continue;
            }
            fraction = next;
            scale *= 10;
        }
        s = s[i..];
        return (fraction, scale);
    }
}
