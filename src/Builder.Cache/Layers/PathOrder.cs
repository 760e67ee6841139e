using System.Text;

namespace Builder.Cache.Layers;

/// <summary>
/// Orders names by their UTF-8 bytes, which is how Go's filepath.Walk (used by containerd's fs.Changes and
/// archive writer) sorts the entries of each directory. <see cref="string.CompareOrdinal(string, string)"/>
/// compares UTF-16 code units and differs for characters above U+FFFF.
/// </summary>
internal sealed class PathOrder : IComparer<string>
{
    public static readonly PathOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
            return x is null ? (y is null ? 0 : -1) : 1;
        StringRuneEnumerator left = x.EnumerateRunes(), right = y.EnumerateRunes();
        while (true)
        {
            bool hasLeft = left.MoveNext(), hasRight = right.MoveNext();
            if (!hasLeft || !hasRight)
                return hasLeft ? 1 : hasRight ? -1 : 0;
            int order = left.Current.Value.CompareTo(right.Current.Value);
            if (order != 0)
                return order;
        }
    }

    /// <summary>The names in <paramref name="directory"/>, hidden ones included, sorted; empty if it does not exist.</summary>
    public static List<string> SortedNames(string directory)
    {
        var names = new List<string>();
        if (!Directory.Exists(directory))
            return names;
        var options = new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false };
        foreach (string path in Directory.EnumerateFileSystemEntries(directory, "*", options))
            names.Add(System.IO.Path.GetFileName(path));
        names.Sort(Instance);
        return names;
    }

    /// <summary><paramref name="parent"/>/<paramref name="name"/> as a layer path ('' is the root).</summary>
    public static string Join(string parent, string name) => parent.Length == 0 ? name : parent + "/" + name;
}
