using System.Text;

namespace Builder.Filesystem.Patterns;

/// <summary>
/// Go's <c>path/filepath</c> functions on Linux, which BuildKit applies to <c>.dockerignore</c> patterns and to the
/// paths it matches. Only <c>/</c> is a separator; <c>\</c> is an ordinary character (an escape in patterns).
/// </summary>
internal static class GoPath
{
    /// <summary>
    /// <c>filepath.Clean</c>: collapse repeated <c>/</c>, drop <c>.</c> elements, resolve <c>..</c> against the
    /// element before it (a rooted path drops a leading <c>..</c>, a relative one keeps it), drop a trailing
    /// <c>/</c>; the empty path becomes <c>.</c>.
    /// </summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
            return ".";
        bool rooted = path[0] == '/';
        var kept = new List<string>();
        int dotDotFloor = 0; // leading ".." elements of a relative path cannot be resolved away
        foreach (string element in path.Split('/'))
        {
            if (element.Length == 0 || element == ".")
                continue;
            if (element == "..")
            {
                if (kept.Count > dotDotFloor)
                    kept.RemoveAt(kept.Count - 1);
                else if (!rooted)
                {
                    kept.Add("..");
                    dotDotFloor++;
                }
                continue;
            }
            kept.Add(element);
        }
        var result = new StringBuilder();
        if (rooted)
            result.Append('/');
        result.AppendJoin('/', kept);
        return result.Length == 0 ? "." : result.ToString();
    }

    /// <summary><c>filepath.Dir</c>: everything before the last <c>/</c>, cleaned; <c>.</c> when there is no <c>/</c>.</summary>
    public static string Dir(string path)
    {
        int slash = path.LastIndexOf('/');
        return Clean(slash < 0 ? "" : path[..(slash + 1)]);
    }
}
