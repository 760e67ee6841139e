using System.Globalization;

namespace Builder.Cli.Output;

/// <summary>
/// How long ago something happened, as docker prints it in <c>images</c> and <c>history</c> ("5 minutes ago"):
/// go-units' HumanDuration, then " ago"; an unknown time is <c>N/A</c>.
/// </summary>
internal static class HumanDuration
{
    /// <summary>The time from <paramref name="created"/> to <paramref name="now"/>, as docker's CREATED column writes it.</summary>
    public static string Ago(DateTimeOffset? created, DateTimeOffset now) =>
        created is { } time && time.ToUnixTimeSeconds() > 0 ? Format(now - time) + " ago" : "N/A";

    /// <summary>go-units' HumanDuration: "Less than a second", "About a minute", "3 hours", "2 weeks", …</summary>
    public static string Format(TimeSpan duration)
    {
        static string Of(double value, string unit) => ((long)value).ToString(CultureInfo.InvariantCulture) + " " + unit;
        double seconds = Math.Floor(duration.TotalSeconds);
        if (seconds < 1) return "Less than a second";
        if (seconds == 1) return "1 second";
        if (seconds < 60) return Of(seconds, "seconds");
        double minutes = Math.Floor(duration.TotalMinutes);
        if (minutes == 1) return "About a minute";
        if (minutes < 60) return Of(minutes, "minutes");
        double hours = Math.Round(duration.TotalHours, MidpointRounding.AwayFromZero);
        if (hours == 1) return "About an hour";
        if (hours < 48) return Of(hours, "hours");
        if (hours < 24 * 7 * 2) return Of(Math.Floor(hours / 24), "days");
        if (hours < 24 * 30 * 2) return Of(Math.Floor(hours / 24 / 7), "weeks");
        if (hours < 24 * 365 * 2) return Of(Math.Floor(hours / 24 / 30), "months");
        return Of(Math.Floor(Math.Floor(duration.TotalHours) / 24 / 365), "years");
    }
}
