using System.Globalization;
using Sprache;

namespace Builder.Frontend.Instructions;

/// <summary>Go's <c>time.ParseDuration</c> syntax, which HEALTHCHECK flags use: <c>1h2m3.5s</c>, <c>300ms</c>, <c>0</c>.</summary>
internal static class GoDuration
{
    private static readonly Dictionary<string, double> TicksPerUnit = new()
    {
        ["ns"] = 0.01, ["us"] = 10, ["µs"] = 10, ["μs"] = 10, ["ms"] = TimeSpan.TicksPerMillisecond,
        ["s"] = TimeSpan.TicksPerSecond, ["m"] = TimeSpan.TicksPerMinute, ["h"] = TimeSpan.TicksPerHour,
    };

    private static readonly Parser<string> Unit =
        Parse.String("ns").Or(Parse.String("us")).Or(Parse.String("µs")).Or(Parse.String("μs"))
            .Or(Parse.String("ms")).Or(Parse.String("s")).Or(Parse.String("m")).Or(Parse.String("h")).Text();

    private static readonly Parser<double> Number =
        from whole in Parse.Digit.Many().Text()
        from fraction in Parse.Char('.').Then(_ => Parse.Digit.Many().Text()).Optional()
        where whole.Length > 0 || fraction.GetOrDefault()?.Length > 0
        select double.Parse((whole.Length == 0 ? "0" : whole) + "." + (fraction.GetOrDefault() is { Length: > 0 } f ? f : "0"),
            CultureInfo.InvariantCulture);

    private static readonly Parser<double> Ticks =
        from sign in Parse.Chars("+-").Optional()
        from total in Parse.String("0").End().Return(0.0).Or(
            (from number in Number from unit in Unit select number * TicksPerUnit[unit]).AtLeastOnce().Select(parts => parts.Sum()).End())
        select sign.GetOrDefault() == '-' ? -total : total;

    public static bool TryParse(string text, out TimeSpan duration)
    {
        IResult<double> result = Ticks.TryParse(text);
        duration = result.WasSuccessful && Math.Abs(result.Value) < TimeSpan.MaxValue.Ticks
            ? TimeSpan.FromTicks((long)Math.Ceiling(result.Value)) : TimeSpan.Zero;
        return result.WasSuccessful && Math.Abs(result.Value) < TimeSpan.MaxValue.Ticks;
    }
}
