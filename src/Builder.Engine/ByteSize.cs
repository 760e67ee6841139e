using System.Globalization;

namespace Builder.Engine;

/// <summary>Sizes as docker prints them: decimal units, four significant digits (go-units' <c>HumanSize</c>).</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];

    /// <summary>The size as docker prints it, for example <c>1.5MB</c>.</summary>
    public static string Format(long bytes)
    {
        double size = bytes;
        int unit = 0;
        while (size >= 1000 && unit < Units.Length - 1)
        {
            size /= 1000;
            unit++;
        }
        return size.ToString("G4", CultureInfo.InvariantCulture) + Units[unit];
    }

    /// <summary>Reads a size as docker writes them: <c>512</c>, <c>10GB</c>, <c>1.5GiB</c>, <c>300mb</c> (kB/MB/GB decimal, KiB/MiB/GiB binary).</summary>
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        var match = System.Text.RegularExpressions.Regex.Match(text.Trim(), "^([0-9]+(?:\\.[0-9]+)?)\\s*([kKmMgGtT]?)(i?)[bB]?$");
        if (!match.Success) return false;
        double number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        double unit = match.Groups[3].Value.Length > 0 ? 1024 : 1000;
        int power = "kmgt".IndexOf(char.ToLowerInvariant(match.Groups[2].Value.FirstOrDefault('-')), StringComparison.Ordinal) + 1;
        bytes = (long)(number * Math.Pow(unit, power));
        return true;
    }
}
