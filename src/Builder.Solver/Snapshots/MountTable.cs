using System.ComponentModel;
using System.Text;

namespace Builder.Solver.Snapshots;

/// <summary>
/// This process's mount table (<c>/proc/self/mountinfo</c>), for finding and removing what a build mounted under a
/// folder: its overlay snapshots and its bundle tmpfs, left mounted when the build was killed.
/// </summary>
public static class MountTable
{
    private const string MountInfo = "/proc/self/mountinfo";

    /// <summary>The mount points at or under <paramref name="directory"/>, deepest first (the order to unmount them in).</summary>
    public static IReadOnlyList<string> MountPointsUnder(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        return [.. MountPoints(File.ReadAllLines(MountInfo))
            .Where(point => point == root || point.StartsWith(root + "/", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(point => point.Count(c => c == '/'))
            .ThenByDescending(point => point, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Unmounts everything at or under <paramref name="directory"/>, deepest first and lazily (MNT_DETACH: a process
    /// still using a mount cannot block it), and returns how many mounts went. Mounts stacked on one point go one by one.
    /// </summary>
    /// <exception cref="Win32Exception">The kernel refused an unmount; the message names the mount point.</exception>
    public static int UnmountUnder(string directory)
    {
        int count = 0;
        // A mount point can carry several mounts (a bind over an overlay), and each pass sees only what is left.
        for (IReadOnlyList<string> points = MountPointsUnder(directory); points.Count > 0; points = MountPointsUnder(directory))
        {
            foreach (string point in points)
            {
                LinuxMount.Unmount(point);
                count++;
            }
        }
        return count;
    }

    /// <summary>The mount points (field 5) of <paramref name="lines"/> in mountinfo's format, their octal escapes decoded.</summary>
    public static IEnumerable<string> MountPoints(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (string line in lines)
        {
            string[] fields = line.Split(' ');
            if (fields.Length > 4) yield return Unescape(fields[4]);
        }
    }

    // The kernel writes space, tab, newline and backslash in a path as \040, \011, \012 and \134 (fs/proc_namespace.c, mangle).
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal)) return field;
        var bytes = new List<byte>(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                bytes.Add((byte)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static bool IsOctal(string text, int start) =>
        start + 3 <= text.Length && text[start..(start + 3)].All(c => c is >= '0' and <= '7');
}
