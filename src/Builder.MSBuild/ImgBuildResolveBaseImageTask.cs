using System.Text;
using System.Text.Json;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Builder.MSBuild;

/// <summary>
/// Resolves the base image of a generated Dockerfile before it is written, as the build's <c>FROM</c> resolves it:
/// from the store when it has the name, else pulled from its registry for the image's platform
/// (<c>imgbuild inspect NAME</c>, else <c>imgbuild pull NAME --platform P</c> and <c>inspect</c> again). What the .NET
/// SDK reads from the base it builds on comes from here: the manifest's digest (the
/// <c>org.opencontainers.image.base.digest</c> label, and the <c>FROM NAME@DIGEST</c> that makes the build use that very
/// manifest), its media type (an empty <c>ContainerImageFormat</c> follows it), and the config's entrypoint, command and
/// environment (the SDK's entrypoint rules, <c>APP_UID</c>, the ASP.NET Core port variables).
/// </summary>
public sealed class ImgBuildResolveBaseImageTask : ImgBuildToolTask
{
    /// <summary>The Docker image manifest media type (Docker Image Manifest V2, Schema 2).</summary>
    public const string DockerManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json";

    /// <summary>The OCI image manifest media type.</summary>
    public const string OciManifestMediaType = "application/vnd.oci.image.manifest.v1+json";

    private readonly StringBuilder _stdout = new();
    private readonly List<string> _stderr = [];
    private string _command = "inspect";

    /// <summary>The base image (<c>ContainerBaseImage</c>, given or inferred).</summary>
    [Required]
    public string BaseImage { get; set; } = "";

    /// <summary>The image's platform (<c>linux/amd64</c>): the one pulled from a multi-platform base.</summary>
    public string? Platform { get; set; }

    /// <summary>The digest of the base image's manifest (the platform's, for a multi-platform base).</summary>
    [Output]
    public string ManifestDigest { get; private set; } = "";

    /// <summary>The media type of that manifest: Docker's or OCI's.</summary>
    [Output]
    public string ManifestMediaType { get; private set; } = "";

    /// <summary><c>Docker</c> when the base manifest has Docker media types, else <c>OCI</c>: the SDK's image format for an empty <c>ContainerImageFormat</c>.</summary>
    [Output]
    public string ImageFormat => ManifestMediaType == DockerManifestMediaType ? "Docker" : "OCI";

    /// <summary>The base image config's <c>Entrypoint</c>, one item per word.</summary>
    [Output]
    public ITaskItem[] Entrypoint { get; private set; } = [];

    /// <summary>The base image config's <c>Cmd</c>, one item per word.</summary>
    [Output]
    public ITaskItem[] Cmd { get; private set; } = [];

    /// <summary>The base image config's <c>Env</c>: item spec the name, metadata <c>Value</c>.</summary>
    [Output]
    public ITaskItem[] Environment { get; private set; } = [];

    /// <inheritdoc />
    public override bool Execute()
    {
        string reference = BaseImage.Trim();
        if (Run("inspect") != 0)
        {
            Log.LogMessage(MessageImportance.Normal, $"imgbuild: {reference} is not in the image store: pulling it");
            if (Run("pull") != 0)
                return Fail($"cannot pull the base image {reference} (ContainerBaseImage): {string.Join(" ", _stderr).Trim()}");
            if (Run("inspect") != 0)
                return Fail($"cannot read the base image {reference} (ContainerBaseImage) from the store after pulling it: {string.Join(" ", _stderr).Trim()}");
        }
        if (!TryRead(_stdout.ToString(), out BaseImageConfig config, out string error)) return Fail($"cannot read the base image {reference} (ContainerBaseImage): {error}");
        ManifestDigest = config.ManifestDigest;
        ManifestMediaType = config.ManifestMediaType;
        Entrypoint = [.. config.Entrypoint.Select(word => new TaskItem(word))];
        Cmd = [.. config.Cmd.Select(word => new TaskItem(word))];
        Environment = [.. config.Environment.Select(v => new TaskItem(v.Name, new Dictionary<string, string> { ["Value"] = v.Value }))];
        Log.LogMessage(MessageImportance.Normal, $"imgbuild: the base image {reference} is {ManifestDigest} ({ManifestMediaType})");
        return true;
    }

    private int Run(string command)
    {
        (_command, _stdout.Length) = (command, 0);
        _stderr.Clear();
        return base.Execute() ? ExitCode : -1;
    }

    private bool Fail(string message)
    {
        Log.LogError(null, ImgBuildErrorCodes.BaseImage, null, BuildEngine?.ProjectFileOfTaskNode, 0, 0, 0, 0, message);
        return false;
    }

    /// <summary>What the task reads from a base image.</summary>
    internal sealed record BaseImageConfig(string ManifestDigest, string ManifestMediaType, IReadOnlyList<string> Entrypoint, IReadOnlyList<string> Cmd,
        IReadOnlyList<(string Name, string Value)> Environment);

    /// <summary>Reads <c>imgbuild inspect</c>'s JSON (internal for tests).</summary>
    internal static bool TryRead(string inspectJson, out BaseImageConfig config, out string error)
    {
        (config, error) = (new BaseImageConfig("", "", [], [], []), "");
        try
        {
            using JsonDocument document = JsonDocument.Parse(inspectJson);
            JsonElement root = document.RootElement;
            if (root.TryGetProperty("index", out _))
            {
                // A name the store keeps for a whole index (an image loaded or built for several platforms).
                error = "not supported yet: it is a multi-platform index in imgbuild's store; name one platform's image (NAME@sha256:…) in ContainerBaseImage";
                return false;
            }
            if (!root.TryGetProperty("manifest", out JsonElement manifest) || !root.TryGetProperty("config", out JsonElement image)
                || root.GetProperty("digest").GetString() is not { Length: > 0 } digest)
            {
                error = "imgbuild inspect printed no manifest and config";
                return false;
            }
            // The manifest names its own media type (Docker's always; OCI's should, image-spec manifest.md); an OCI
            // manifest without it is told by its config's media type.
            string mediaType = manifest.TryGetProperty("mediaType", out JsonElement type) && type.GetString() is { Length: > 0 } t ? t
                : manifest.TryGetProperty("config", out JsonElement configDescriptor) && configDescriptor.TryGetProperty("mediaType", out JsonElement configType)
                  && configType.GetString() == "application/vnd.docker.container.image.v1+json" ? DockerManifestMediaType : OciManifestMediaType;
            JsonElement container = image.TryGetProperty("config", out JsonElement c) && c.ValueKind == JsonValueKind.Object ? c : default;
            config = new BaseImageConfig(digest, mediaType, Words(container, "Entrypoint"), Words(container, "Cmd"),
                [.. Words(container, "Env").Select(e => e.Split('=', 2)).Select(p => (p[0], p.Length > 1 ? p[1] : ""))]);
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            error = $"imgbuild inspect printed what this task cannot read ({e.Message})";
            return false;
        }
    }

    private static string[] Words(JsonElement container, string name) =>
        container.ValueKind == JsonValueKind.Object && container.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(w => w.GetString() ?? "")] : [];

    /// <inheritdoc />
    protected override string GenerateCommandLineCommands()
    {
        CommandLineBuilder builder = StartCommandLine(_command);
        builder.AppendFileNameIfNotNull(BaseImage.Trim());
        if (_command == "pull" && !string.IsNullOrEmpty(Platform)) builder.AppendSwitchIfNotNull("--platform ", Platform);
        return builder.ToString();
    }

    // stdout is inspect's JSON (or pull's line); stderr says why a command failed, which Execute reports when it matters.
    /// <inheritdoc />
    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (messageImportance == StandardOutputImportanceToUse) _stdout.AppendLine(singleLine);
        else _stderr.Add(singleLine);
        Log.LogMessage(MessageImportance.Low, singleLine);
    }

    /// <inheritdoc />
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;

    /// <inheritdoc />
    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Normal;

    // A failed inspect means "pull it"; a failed pull is reported by Execute with imgbuild's message.
    /// <inheritdoc />
    protected override bool HandleTaskExecutionErrors() => true;
}
