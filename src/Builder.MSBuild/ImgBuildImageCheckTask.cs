using System.Text;
using System.Text.Json;
using Microsoft.Build.Framework;

namespace Builder.MSBuild;

/// <summary>
/// Confirms, before MSBuild skips the image target as up to date, that what the last build made is still there: every
/// name in the store (<c>imgbuild images --format json</c>) still points at the digest the stamp file records, and
/// every file it wrote (the archive, the outputs' <c>dest=</c>) exists. When something is missing (<c>imgbuild rmi</c>, a
/// deleted archive, another build that took the name) it deletes the stamp, so the target runs again.
/// </summary>
public sealed class ImgBuildImageCheckTask : ImgBuildToolTask
{
    private readonly StringBuilder _listing = new();

    /// <summary>The stamp the image target writes: the digest of the image it made.</summary>
    [Required]
    public string StampFile { get; set; } = "";

    /// <summary>The image's names: in the store when no <see cref="Outputs"/> are given or one is <c>type=image</c>.</summary>
    public ITaskItem[] Names { get; set; } = [];

    /// <summary>The build's <c>--output</c> values (<c>ImgBuildOutput</c>); none means the store.</summary>
    public ITaskItem[] Outputs { get; set; } = [];

    /// <summary>The archive the build writes (<c>ContainerArchiveOutputPath</c>).</summary>
    public string? ArchiveOutputPath { get; set; }

    /// <inheritdoc />
    public override bool Execute()
    {
        if (!File.Exists(StampFile)) return true;
        string digest = File.ReadAllText(StampFile).Trim();
        List<string> files = [.. Outputs.Select(o => Field(o.ItemSpec, "dest")).OfType<string>().Where(d => d != "-")];
        if (ArchiveOutputPath is { Length: > 0 }) files.Add(ArchiveOutputPath);
        if (files.FirstOrDefault(f => !File.Exists(f) && !Directory.Exists(f)) is { } missing)
            return Rebuild($"{missing} is missing");
        bool inStore = Outputs.Length == 0 || Outputs.Any(o => (Field(o.ItemSpec, "type") ?? "image") == "image");
        if (Names.Length == 0 || !inStore) return true;
        if (!base.Execute() || ExitCode != 0) return Rebuild("the store could not be listed");
        Dictionary<string, string> stored;
        try
        {
            using JsonDocument listing = JsonDocument.Parse(_listing.ToString());
            stored = listing.RootElement.EnumerateArray()
                .Where(i => i.TryGetProperty("name", out _) && i.TryGetProperty("digest", out _))
                .ToDictionary(i => i.GetProperty("name").GetString()!, i => i.GetProperty("digest").GetString()!, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return Rebuild($"the store's listing is not what this task reads ({e.Message})");
        }
        foreach (ITaskItem name in Names)
        {
            if (!stored.TryGetValue(Canonical(name.ItemSpec), out string? found)) return Rebuild($"{name.ItemSpec} is not in the image store");
            if (found != digest) return Rebuild($"{name.ItemSpec} is {found} in the store, not the {digest} this project made");
        }
        return true;
    }

    // One key of an --output value (type=oci,dest=app.tar); enough for the keys this task reads, which hold no commas.
    private static string? Field(string output, string key) =>
        output.Split(',').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0].Trim() == key)?[1].Trim();

    private bool Rebuild(string why)
    {
        Log.LogMessage(MessageImportance.High, $"imgbuild: {why}: building the image again");
        File.Delete(StampFile);
        return true;
    }

    /// <summary>
    /// A name as the store lists it (the Docker reference grammar's normal form): a first part with no '.' or ':'
    /// that is not <c>localhost</c> is a Docker Hub path, one Hub part is under <c>library/</c>, no tag is <c>latest</c>.
    /// </summary>
    internal static string Canonical(string name)
    {
        int slash = name.IndexOf('/');
        string first = slash < 0 ? "" : name[..slash];
        bool hasRegistry = slash >= 0 && (first.Contains('.') || first.Contains(':') || first == "localhost");
        string registry = hasRegistry ? first : "docker.io";
        string path = hasRegistry ? name[(slash + 1)..] : name;
        if (registry == "docker.io" && !path.Contains('/')) path = "library/" + path;
        if (path.LastIndexOf(':') <= path.LastIndexOf('/') && !path.Contains('@')) path += ":latest";
        return $"{registry}/{path}";
    }

    /// <inheritdoc />
    protected override string GenerateCommandLineCommands()
    {
        var builder = StartCommandLine("images");
        builder.AppendSwitch("--format json");
        return builder.ToString();
    }

    // stdout is the listing; stderr (an empty or missing store says why) is for the log only.
    /// <inheritdoc />
    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (messageImportance == StandardOutputImportanceToUse) _listing.AppendLine(singleLine);
        else Log.LogMessage(MessageImportance.Low, singleLine);
    }

    /// <inheritdoc />
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;

    /// <inheritdoc />
    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Normal;

    // A failed listing means "build again", not a failed build.
    /// <inheritdoc />
    protected override bool HandleTaskExecutionErrors() => true;
}
