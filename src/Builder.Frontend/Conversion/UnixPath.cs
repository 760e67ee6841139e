namespace Builder.Frontend.Conversion;

/// <summary>Go's <c>path.Clean</c> for the slash-separated paths inside images.</summary>
internal static class UnixPath
{
    public static string Clean(string path)
    {
        if (path.Length == 0) return ".";
        bool rooted = path.StartsWith('/');
        var parts = new List<string>();
        foreach (string part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..") parts.RemoveAt(parts.Count - 1);
                else if (!rooted) parts.Add("..");
                continue;
            }
            parts.Add(part);
        }
        string joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }
}
