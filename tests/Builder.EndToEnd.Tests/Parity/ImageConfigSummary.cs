using System.Formats.Tar;
using System.Text.Json;
using Builder.Testing;
using Builder.Testing.Parity;

namespace Builder.EndToEnd.Tests.Parity;

/// <summary>
/// What an image says besides its files, as the Docker engine reads it: the runtime config fields of
/// <c>docker image inspect</c>, the author, platform and layer count, and the history of the config JSON
/// (<c>docker save</c>; inspect does not show history, and <c>docker history</c> does not show empty_layer).
/// </summary>
public static class ImageConfigSummary
{
    private static readonly string[] ConfigFields =
        ["Env", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts", "Volumes", "Labels", "StopSignal", "Healthcheck", "Shell", "OnBuild"];

    /// <summary>One line per field, <c>Config.Env: [...]</c>, then one per history entry.</summary>
    public static IReadOnlyList<string> Read(string image, string scratchFolder)
    {
        using JsonDocument inspect = JsonDocument.Parse(DockerEngine.Run("image", "inspect", image));
        JsonElement root = inspect.RootElement[0];
        var lines = new List<string>();
        foreach (string field in ConfigFields)
            lines.Add($"Config.{field}: {ImageDescription.Canonical(root.GetProperty("Config"), field)}");
        lines.Add($"Author: {ImageDescription.Canonical(root, "Author")}");
        lines.Add($"Os/Architecture: {root.GetProperty("Os").GetString()}/{root.GetProperty("Architecture").GetString()}");
        lines.Add($"RootFS.Layers: {root.GetProperty("RootFS").GetProperty("Layers").GetArrayLength()} layers");
        lines.AddRange(History(image, scratchFolder));
        return lines;
    }

    private static IEnumerable<string> History(string image, string scratchFolder)
    {
        string archive = Path.Combine(scratchFolder, $"save-{Guid.NewGuid():N}.tar");
        DockerEngine.Run("save", "-o", archive, image);
        try
        {
            Dictionary<string, byte[]> files = ReadJsonFiles(archive);
            using JsonDocument manifest = JsonDocument.Parse(files["manifest.json"]);
            using JsonDocument config = JsonDocument.Parse(files[manifest.RootElement[0].GetProperty("Config").GetString()!]);
            if (!config.RootElement.TryGetProperty("history", out JsonElement history)) return ["history: (none)"];
            // created_by is compared by its instruction only. BuildKit writes it in a format of its own that changes
            // between versions (Docker 20.10's: variables expanded, COPY without --from/--chown, JSON forms joined by
            // spaces, "RUN |2 A=1 B=2 /bin/sh -c …" for build args); imgbuild writes the instruction as written. The
            // entries, their order, their instructions and which ones have a layer must still agree.
            return history.EnumerateArray().Select((entry, index) =>
                $"history[{index}]: {Text(entry, "created_by").Split(' ')[0]} empty_layer={entry.TryGetProperty("empty_layer", out JsonElement e) && e.GetBoolean()} comment={Text(entry, "comment")}").ToList();
        }
        finally
        {
            File.Delete(archive);
        }
    }

    private static string Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static Dictionary<string, byte[]> ReadJsonFiles(string archive)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using FileStream stream = File.OpenRead(archive);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (!entry.Name.EndsWith(".json", StringComparison.Ordinal) || entry.DataStream is null) continue;
            using var copy = new MemoryStream();
            entry.DataStream.CopyTo(copy);
            files[entry.Name] = copy.ToArray();
        }
        return files;
    }
}
