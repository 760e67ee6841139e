using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Builder.Testing.Parity;

/// <summary>
/// What an image in an OCI layout holds, described the same way whichever builder wrote it: its file tree, unpacked
/// by umoci (an independent reader that applies whiteouts and, as root, keeps owners) and walked with GNU find's
/// lstat, and its config, read from the config blob. Times are left out: two builds never share them.
/// </summary>
/// <param name="Files">
/// One line per entry, sorted by path: <c>"PATH" TYPE MODE UID:GID</c>, then for a regular file its size and sha256,
/// for a symbolic link <c>-&gt; "TARGET"</c>; every path but the first (in ordinal order) of a set of hard links is
/// <c>"PATH" hardlink MODE UID:GID -&gt; "FIRST"</c>. MODE is four octal digits with setuid, setgid and sticky.
/// </param>
/// <param name="Config">
/// One line per runtime config field (<c>Config.Env: [...]</c>; a missing, null or empty value is <c>(none)</c>),
/// the author, platform and layer count, then one line per history entry: its instruction word (the first word of
/// <c>created_by</c>), <c>empty_layer</c> and <c>comment</c>.
/// </param>
/// <param name="DiffIds">The config's <c>rootfs.diff_ids</c>: whether an image is built FROM another.</param>
public sealed record ImageDescription(IReadOnlyList<string> Files, IReadOnlyList<string> Config, IReadOnlyList<string> DiffIds)
{
    private static readonly string[] ConfigFields =
        ["Env", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts", "Volumes", "Labels", "StopSignal", "Healthcheck", "Shell", "OnBuild"];

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Describes the one linux/amd64 image of the OCI layout at <paramref name="layout"/> (an index inside it is
    /// followed), unpacking it under <paramref name="scratch"/>, which is deleted afterwards.
    /// </summary>
    public static ImageDescription Read(string layout, string scratch)
    {
        RequiredTool.RequireRoot();
        string umoci = RequiredTool.Find("umoci", "umoci");
        Directory.CreateDirectory(scratch);
        try
        {
            string manifestDigest = FindManifest(layout, ReadJson(Path.Combine(layout, "index.json")));
            using JsonDocument manifest = JsonDocument.Parse(Blob(layout, manifestDigest));
            using JsonDocument config = JsonDocument.Parse(Blob(layout, manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!));

            // umoci unpacks a tagged manifest: a layout of its own names the chosen one, sharing the blobs.
            string named = Path.Combine(scratch, "layout");
            Directory.CreateDirectory(named);
            File.WriteAllText(Path.Combine(named, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
            long size = Blob(layout, manifestDigest).Length;
            string mediaType = manifest.RootElement.TryGetProperty("mediaType", out JsonElement m) ? m.GetString()! : "application/vnd.oci.image.manifest.v1+json";
            File.WriteAllText(Path.Combine(named, "index.json"),
                $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"{{{mediaType}}}","digest":"{{{manifestDigest}}}","size":{{{size}}},"annotations":{"org.opencontainers.image.ref.name":"described"}}]}""");
            Directory.CreateSymbolicLink(Path.Combine(named, "blobs"), Path.GetFullPath(Path.Combine(layout, "blobs")));
            string bundle = Path.Combine(scratch, "bundle");
            ProcessRunner.Run(umoci, ["unpack", "--image", $"{named}:described", bundle], timeout: TimeSpan.FromMinutes(10));
            return new ImageDescription(Walk(Path.Combine(bundle, "rootfs")),
                ConfigLines(config.RootElement, manifest.RootElement.GetProperty("layers").GetArrayLength()),
                [.. config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(id => id.GetString()!)]);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static JsonElement ReadJson(string path)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }

    private static byte[] Blob(string layout, string digest) =>
        File.ReadAllBytes(Path.Combine(layout, "blobs", "sha256", digest["sha256:".Length..]));

    // An exporter may wrap the image manifest in an index (attestations, platforms): take the linux/amd64 manifest.
    private static string FindManifest(string layout, JsonElement index)
    {
        JsonElement[] manifests = [.. index.GetProperty("manifests").EnumerateArray()];
        foreach (JsonElement descriptor in manifests)
        {
            string mediaType = descriptor.GetProperty("mediaType").GetString()!;
            string digest = descriptor.GetProperty("digest").GetString()!;
            if (descriptor.TryGetProperty("platform", out JsonElement platform) &&
                (platform.GetProperty("os").GetString() != "linux" || platform.GetProperty("architecture").GetString() != "amd64")) continue;
            if (descriptor.TryGetProperty("annotations", out JsonElement annotations) && annotations.TryGetProperty("vnd.docker.reference.type", out _)) continue;
            if (mediaType.EndsWith("index.v1+json", StringComparison.Ordinal) || mediaType.EndsWith("manifest.list.v2+json", StringComparison.Ordinal))
            {
                using JsonDocument inner = JsonDocument.Parse(Blob(layout, digest));
                return FindManifest(layout, inner.RootElement.Clone());
            }
            return digest;
        }
        throw new InvalidOperationException($"no linux/amd64 image manifest in {layout}");
    }

    private static List<string> Walk(string rootfs)
    {
        // GNU find reports what lstat says: %y type, %m permission bits with the special bits, %U/%G numeric owners,
        // %i and %n the inode and link count (hard links), %l a link's target. NUL ends the path and the target.
        string listing = ProcessRunner.Run("find", [rootfs, "-mindepth", "1", "-printf", "%y %m %U:%G %s %i %n %P\\0%l\\0"], timeout: TimeSpan.FromMinutes(5));
        string[] fields = listing.Split('\0');
        var entries = new List<(string Path, string Type, string Mode, string Owner, long Size, string Inode, int Links, string Target)>();
        for (int i = 0; i + 1 < fields.Length; i += 2)
        {
            string[] head = fields[i].Split(' ', 7);
            entries.Add(("/" + head[6], head[0], head[1].PadLeft(4, '0'), head[2], long.Parse(head[3], CultureInfo.InvariantCulture),
                head[4], int.Parse(head[5], CultureInfo.InvariantCulture), fields[i + 1]));
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        var firstOfInode = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = new List<string>(entries.Count);
        foreach (var entry in entries)
        {
            string line = $"{Quote(entry.Path)} {TypeName(entry.Type)} {entry.Mode} {entry.Owner}";
            if (entry.Type == "f" && entry.Links > 1 && firstOfInode.TryGetValue(entry.Inode, out string? first))
                line = $"{Quote(entry.Path)} hardlink {entry.Mode} {entry.Owner} -> {Quote(first)}";
            else if (entry.Type == "f")
            {
                if (entry.Links > 1) firstOfInode[entry.Inode] = entry.Path;
                using FileStream stream = File.OpenRead(Path.Combine(rootfs, entry.Path[1..]));
                line += $" {entry.Size} {Convert.ToHexStringLower(SHA256.HashData(stream))}";
            }
            else if (entry.Type == "l") line += $" -> {Quote(entry.Target)}";
            lines.Add(line);
        }
        return lines;
    }

    private static string TypeName(string findType) => findType switch
    {
        "d" => "dir",
        "f" => "file",
        "l" => "symlink",
        "p" => "fifo",
        "c" => "char",
        "b" => "block",
        "s" => "socket",
        _ => findType,
    };

    private static List<string> ConfigLines(JsonElement image, int layers)
    {
        var lines = new List<string>();
        JsonElement config = image.TryGetProperty("config", out JsonElement c) ? c : default;
        foreach (string field in ConfigFields)
            lines.Add($"Config.{field}: {(config.ValueKind == JsonValueKind.Object ? Canonical(config, field) : "(none)")}");
        lines.Add($"Author: {Canonical(image, "author")}");
        lines.Add($"Os/Architecture: {image.GetProperty("os").GetString()}/{image.GetProperty("architecture").GetString()}");
        lines.Add($"RootFS.Layers: {layers} layers");
        if (!image.TryGetProperty("history", out JsonElement history)) lines.Add("history: (none)");
        else
        {
            // created_by is compared by its instruction only: BuildKit writes it in a format of its own that changes
            // between versions, imgbuild writes the instruction as written. The entries, their order, their
            // instructions and which ones have a layer must still agree.
            lines.AddRange(history.EnumerateArray().Select((entry, index) =>
                $"history[{index}]: {Text(entry, "created_by").Split(' ')[0]} empty_layer={entry.TryGetProperty("empty_layer", out JsonElement e) && e.GetBoolean()} comment={Text(entry, "comment")}"));
        }
        return lines;
    }

    /// <summary>
    /// A config field as text: a missing field, null and an empty list, map or string mean the same ("no CMD"), and
    /// builders (and Docker's Go structs) write them differently; the value is what matters. Maps get sorted keys.
    /// </summary>
    public static string Canonical(JsonElement parent, string field)
    {
        if (!parent.TryGetProperty(field, out JsonElement value)) return "(none)";
        bool empty = value.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => true,
            JsonValueKind.Array => value.GetArrayLength() == 0,
            JsonValueKind.Object => !value.EnumerateObject().Any(),
            JsonValueKind.String => value.GetString() is "",
            _ => false,
        };
        return empty ? "(none)" : Sorted(value);
    }

    private static string Sorted(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) return JsonSerializer.Serialize(value, Readable);
        var builder = new StringBuilder("{");
        foreach (JsonProperty property in value.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (builder.Length > 1) builder.Append(',');
            builder.Append(JsonSerializer.Serialize(property.Name, Readable)).Append(':').Append(Sorted(property.Value));
        }
        return builder.Append('}').ToString();
    }

    private static string Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static string Quote(string path) => JsonSerializer.Serialize(path, Readable);
}
