using System.Globalization;

namespace Builder.Cli.Output;

/// <summary>Sizes as docker prints them: decimal units, four significant digits (go-units' <c>HumanSize</c>).</summary>
internal static class ByteSize
{
    private static readonly string[] Units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];

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
}
