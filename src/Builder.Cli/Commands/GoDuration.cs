using System.Globalization;
using System.Text.RegularExpressions;

namespace Builder.Cli.Commands;

/// <summary>Durations written as Go's <c>time.ParseDuration</c> reads them (<c>10m</c>, <c>1h30m</c>, <c>0s</c>), as docker's flags take them.</summary>
internal static partial class GoDuration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text == "0") return true;
        MatchCollection parts = Part().Matches(text);
        if (parts.Count == 0 || parts.Sum(part => part.Length) != text.Length) return false;
        foreach (Match part in parts)
        {
            double value = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            duration += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                _ => TimeSpan.FromMilliseconds(value),
            };
        }
        return true;
    }

    public static string Format(TimeSpan duration)
    {
        string text = (duration.Days * 24 + duration.Hours > 0 ? $"{duration.Days * 24 + duration.Hours}h" : "")
            + (duration.Minutes > 0 ? $"{duration.Minutes}m" : "")
            + (duration.Seconds > 0 ? $"{duration.Seconds}s" : "");
        return text.Length == 0 ? "0s" : text;
    }

    [GeneratedRegex(@"([0-9]+(?:\.[0-9]+)?)(h|ms|m|s)")]
    private static partial Regex Part();
}
