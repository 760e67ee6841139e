using System.Collections.Immutable;
using System.Globalization;

namespace Builder.Engine;

/// <summary>
/// <c>SOURCE_DATE_EPOCH</c> for reproducible images (reproducible-builds.org): from <c>--build-arg</c>, else the
/// environment. With it, the image's <c>created</c>, its new history entries and every file time in its new layers
/// later than it are set to it, as BuildKit's <c>rewrite-timestamp</c> does.
/// </summary>
public static class SourceDateEpoch
{
    public const string Name = "SOURCE_DATE_EPOCH";

    /// <exception cref="FormatException">The value is not a number of seconds since 1970.</exception>
    public static DateTimeOffset? From(ImmutableDictionary<string, string> buildArgs, string? environment)
    {
        string? text = buildArgs.TryGetValue(Name, out string? given) ? given : environment;
        if (string.IsNullOrEmpty(text)) return null;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) || seconds > 253_402_300_799)
            throw new FormatException($"{Name}='{text}' is not a number of seconds since 1970-01-01");
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }
}
