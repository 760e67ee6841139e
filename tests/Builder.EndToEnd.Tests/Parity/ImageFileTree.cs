using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Builder.Testing;

namespace Builder.EndToEnd.Tests.Parity;

/// <summary>
/// The file tree of an image as the Docker engine assembles it: <c>docker create</c> then <c>docker export</c>, read
/// here with <see cref="TarReader"/>. No program of the image runs, so it works for <c>FROM scratch</c> images too,
/// and every layer's whiteouts are applied by the engine, not by code under test.
/// </summary>
public static class ImageFileTree
{
    // What the engine adds to every container (kernel file systems, network files, the init layer's marker): the
    // same for any image, and not part of it.
    private static readonly string[] EngineOwned = ["/proc", "/sys", "/dev", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/.dockerenv"];

    private static readonly JsonSerializerOptions PathQuoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// One sorted line per entry: path, type, mode (with setuid, setgid and sticky bits), uid:gid, and for a regular
    /// file its size and sha256, for a link its target. Times are left out: two builds never share them.
    /// </summary>
    public static IReadOnlyList<string> Read(string image, string scratchFolder)
    {
        string archive = Path.Combine(scratchFolder, $"export-{Guid.NewGuid():N}.tar");
        // The command is never run; scratch images have no CMD and create needs one.
        string container = DockerEngine.Run("create", "--network=none", image, "/parity-not-run").Trim();
        try
        {
            DockerEngine.Run("export", "-o", archive, container);
        }
        finally
        {
            DockerEngine.Run("rm", container);
        }
        try
        {
            return List(archive);
        }
        finally
        {
            File.Delete(archive);
        }
    }

    private static List<string> List(string archive)
    {
        var lines = new List<string>();
        using FileStream stream = File.OpenRead(archive);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            string path = "/" + entry.Name.TrimStart('.').Trim('/');
            if (path == "/" || EngineOwned.Any(owned => path == owned || path.StartsWith(owned + "/", StringComparison.Ordinal))) continue;
            string mode = Convert.ToString((int)entry.Mode, 8).PadLeft(4, '0');
            string line = $"{Quote(path)} {Type(entry.EntryType)} {mode} {entry.Uid}:{entry.Gid}";
            if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
            {
                string hash = entry.DataStream is null ? Convert.ToHexStringLower(SHA256.HashData([])) : Convert.ToHexStringLower(SHA256.HashData(entry.DataStream));
                line += $" {entry.Length} {hash}";
            }
            else if (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
            {
                string target = entry.EntryType == TarEntryType.HardLink ? "/" + entry.LinkName.TrimStart('.').TrimStart('/') : entry.LinkName;
                line += $" -> {Quote(target)}";
            }
            lines.Add(line);
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string Quote(string path) => JsonSerializer.Serialize(path, PathQuoting);

    private static string Type(TarEntryType type) => type switch
    {
        TarEntryType.Directory => "dir",
        TarEntryType.RegularFile or TarEntryType.V7RegularFile => "file",
        TarEntryType.SymbolicLink => "symlink",
        TarEntryType.HardLink => "hardlink",
        TarEntryType.Fifo => "fifo",
        TarEntryType.CharacterDevice => "char",
        TarEntryType.BlockDevice => "block",
        _ => type.ToString(),
    };
}
