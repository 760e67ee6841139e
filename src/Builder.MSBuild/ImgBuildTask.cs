using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Builder.MSBuild;

/// <summary>
/// Builds an image with the imgbuild CLI shipped in the package, run out of process (<c>dotnet imgbuild.dll build …</c>)
/// so its dependencies never meet MSBuild's. The CLI runs with <c>--progress=rawjson</c> and the task reads its events
/// (one JSON object per line on stderr, see imgbuild's README): a Dockerfile diagnostic becomes an MSBuild error or
/// warning at its file, line and column with its code; a failed step becomes one error at its instruction's line with
/// its command, exit status and last output lines; progress goes to the log at normal verbosity; the result sets
/// <see cref="GeneratedImageDigest"/> and <see cref="GeneratedImageName"/>. Cancelling the build (Ctrl-C) stops
/// imgbuild, which cleans up after itself.
/// </summary>
public sealed class ImgBuildTask : ImgBuildToolTask
{
    private const string BuildErrorCode = ImgBuildErrorCodes.Build, StepErrorCode = ImgBuildErrorCodes.Step;

    /// <summary>The build context directory.</summary>
    [Required]
    public string Context { get; set; } = "";

    /// <summary>The Dockerfile.</summary>
    [Required]
    public string Dockerfile { get; set; } = "";

    /// <summary>Image names (<c>-t</c>).</summary>
    public ITaskItem[] Tags { get; set; } = [];

    /// <summary>The stage to build (<c>--target</c>).</summary>
    public string? Target { get; set; }

    /// <summary>Build arguments: item spec is the name, metadata <c>Value</c> the value.</summary>
    public ITaskItem[] BuildArgs { get; set; } = [];

    /// <summary>Labels: item spec is the key, metadata <c>Value</c> the value.</summary>
    public ITaskItem[] Labels { get; set; } = [];

    /// <summary>Outputs (<c>--output</c> values, such as <c>type=oci,dest=app.tar</c>).</summary>
    public ITaskItem[] Outputs { get; set; } = [];

    /// <summary>Push to the registry the names point at; the image is also kept in the store under them.</summary>
    public bool Push { get; set; }

    /// <summary>The target platform (<c>--platform</c>, <c>linux/arm64</c>, or several separated by ','); this machine's when empty.</summary>
    public string? Platform { get; set; }

    /// <summary>Named contexts (<c>--build-context NAME=DIRECTORY</c>): item spec the name, metadata <c>Path</c> the directory.</summary>
    public ITaskItem[] BuildContexts { get; set; } = [];

    /// <summary>
    /// The .NET SDK's <c>ContainerImageFormat</c>: <c>OCI</c> or <c>Docker</c> media types for the image in the store,
    /// the push and the archive; imgbuild's default (OCI, as BuildKit) when empty. With <see cref="Outputs"/> given,
    /// their own <c>oci-mediatypes=</c> says it.
    /// </summary>
    public string? ImageFormat { get; set; }

    /// <summary>The .NET SDK's <c>ContainerArchiveOutputPath</c>, resolved to a file: a gzip-compressed Docker archive (<c>docker load</c> reads it).</summary>
    public string? ArchiveOutputPath { get; set; }

    /// <summary>
    /// Build arguments whose values travel in the environment (<c>--build-arg NAME</c>), not on the command line: item
    /// spec the name, metadata <c>Value</c> the value, which may hold anything, newlines included.
    /// </summary>
    public ITaskItem[] EnvironmentBuildArgs { get; set; } = [];

    /// <summary>
    /// Adds the .NET SDK's <c>org.opencontainers.image.created</c> and <c>org.opencontainers.artifact.created</c> labels,
    /// the time of this build (or <c>SOURCE_DATE_EPOCH</c>'s), set here so that the generated Dockerfile stays the same
    /// from one build to the next.
    /// </summary>
    public bool GenerateCreatedLabel { get; set; }

    /// <summary><c>--cache-from</c> values.</summary>
    public ITaskItem[] CacheFrom { get; set; } = [];

    /// <summary><c>--cache-to</c> values.</summary>
    public ITaskItem[] CacheTo { get; set; } = [];

    /// <summary>The built image's manifest digest.</summary>
    [Output]
    public string GeneratedImageDigest { get; private set; } = "";

    /// <summary>The first name the image was given, in imgbuild's canonical form (<c>docker.io/library/app:1</c>).</summary>
    [Output]
    public string GeneratedImageName { get; private set; } = "";

    // The importance tells LogEventsFromTextOutput which stream a line came from (ToolTask hands it nothing else):
    // stderr carries the events; stdout only the digest, which the result event also carries.
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;

    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Normal;

    /// <summary>Runs imgbuild; then compresses the Docker archive into <see cref="ArchiveOutputPath"/>.</summary>
    public override bool Execute()
    {
        string? format = ImageFormat is { Length: > 0 } f ? f : null;
        if (format is not null && !format.Equals("OCI", StringComparison.OrdinalIgnoreCase) && !format.Equals("Docker", StringComparison.OrdinalIgnoreCase))
        {
            Log.LogError(null, ImgBuildErrorCodes.InvalidProperty, null, BuildEngine?.ProjectFileOfTaskNode, 0, 0, 0, 0,
                $"ContainerImageFormat '{format}' is not an image format: write OCI or Docker (or leave it empty for OCI)");
            return false;
        }
        EnvironmentVariables = [.. EnvironmentVariables ?? [], .. EnvironmentBuildArgs.Select(a => $"{a.ItemSpec}={a.GetMetadata("Value")}")];
        if (ArchiveOutputPath is { Length: > 0 } archive) Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(archive))!);
        try
        {
            bool succeeded = base.Execute() && !Log.HasLoggedErrors;
            if (succeeded && GeneratedImageDigest.Length == 0)
            {
                Log.LogError(null, ImgBuildErrorCodes.NoResult, null, Dockerfile, 0, 0, 0, 0, "imgbuild exited successfully but reported no result event: is the CLI older than this task?");
                return false;
            }
            return succeeded && CompressArchive();
        }
        finally
        {
            if (ArchiveOutputPath is { Length: > 0 }) File.Delete(UncompressedArchivePath);
        }
    }

    // imgbuild writes the Docker archive as a plain tar beside the destination; the SDK's archive is a .tar.gz.
    private string UncompressedArchivePath => ArchiveOutputPath + ".imgbuild.tar";

    private bool CompressArchive()
    {
        if (ArchiveOutputPath is not { Length: > 0 } archive) return true;
        try
        {
            string partial = archive + ".imgbuild-partial";
            using (FileStream source = File.OpenRead(UncompressedArchivePath))
            using (FileStream destination = File.Create(partial))
            using (var gzip = new GZipStream(destination, CompressionLevel.Fastest))
                source.CopyTo(gzip);
            File.Move(partial, archive, overwrite: true);
            Log.LogMessage(MessageImportance.Normal, $"wrote the image archive {archive}");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.LogError(null, ImgBuildErrorCodes.Archive, null, ArchiveOutputPath, 0, 0, 0, 0, $"cannot write the image archive (ContainerArchiveOutputPath): {e.Message}");
            return false;
        }
    }

    /// <summary>The imgbuild command line for the task's properties.</summary>
    protected override string GenerateCommandLineCommands()
    {
        CommandLineBuilder builder = StartCommandLine("build");
        builder.AppendSwitch("--progress rawjson");
        builder.AppendSwitchIfNotNull("-f ", Dockerfile);
        foreach (ITaskItem tag in Tags) builder.AppendSwitchIfNotNull("-t ", tag.ItemSpec);
        if (!string.IsNullOrEmpty(Target)) builder.AppendSwitchIfNotNull("--target ", Target);
        foreach (ITaskItem argument in BuildArgs) builder.AppendSwitchIfNotNull("--build-arg ", $"{argument.ItemSpec}={argument.GetMetadata("Value")}");
        foreach (ITaskItem argument in EnvironmentBuildArgs) builder.AppendSwitchIfNotNull("--build-arg ", argument.ItemSpec);
        foreach (ITaskItem label in Labels) builder.AppendSwitchIfNotNull("--label ", $"{label.ItemSpec}={label.GetMetadata("Value")}");
        if (GenerateCreatedLabel)
        {
            string created = Created().UtcDateTime.ToString("o", CultureInfo.InvariantCulture);   // ...Z, as the SDK writes it
            builder.AppendSwitchIfNotNull("--label ", $"org.opencontainers.image.created={created}");
            builder.AppendSwitchIfNotNull("--label ", $"org.opencontainers.artifact.created={created}");
        }
        if (!string.IsNullOrEmpty(Platform)) builder.AppendSwitchIfNotNull("--platform ", Platform);
        foreach (ITaskItem context in BuildContexts) builder.AppendSwitchIfNotNull("--build-context ", $"{context.ItemSpec}={context.GetMetadata("Path")}");
        string mediaTypes = ImageFormat is { Length: > 0 } format && format.Equals("Docker", StringComparison.OrdinalIgnoreCase) ? ",oci-mediatypes=false" : "";
        if (Outputs.Length > 0)
        {
            foreach (ITaskItem output in Outputs) builder.AppendSwitchIfNotNull("--output ", output.ItemSpec);
            if (Push) builder.AppendSwitch("--push");
        }
        else
        {
            // The store keeps the image under its names even when it is pushed, so the next publish can see it is there.
            builder.AppendSwitchIfNotNull("--output ", $"type=image{(Push ? ",push=true" : "")}{mediaTypes}");
        }
        if (ArchiveOutputPath is { Length: > 0 }) builder.AppendSwitchIfNotNull("--output ", $"type=docker,dest={UncompressedArchivePath}{mediaTypes}");
        foreach (ITaskItem cache in CacheFrom) builder.AppendSwitchIfNotNull("--cache-from ", cache.ItemSpec);
        foreach (ITaskItem cache in CacheTo) builder.AppendSwitchIfNotNull("--cache-to ", cache.ItemSpec);
        builder.AppendFileNameIfNotNull(Context);
        return builder.ToString();
    }

    // SOURCE_DATE_EPOCH (seconds since 1970) makes the time reproducible, as the SDK and BuildKit read it.
    private static DateTimeOffset Created() =>
        long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), NumberStyles.None, CultureInfo.InvariantCulture, out long seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.UtcNow;

    /// <summary>Reads imgbuild's events from stderr; a line that is not one (a crash, the runtime's own message) is an error.</summary>
    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance) =>
        ReadLine(singleLine, fromStandardError: messageImportance != StandardOutputImportanceToUse || StandardOutputImportanceToUse == StandardErrorImportanceToUse);

    /// <summary>Reads one line of imgbuild's output: an event when it is from stderr (internal for tests).</summary>
    internal void ReadLine(string line, bool fromStandardError = true)
    {
        if (!fromStandardError)
        {
            Log.LogMessage(MessageImportance.Low, line);
            return;
        }
        JsonDocument? document = null;
        try
        {
            if (line.StartsWith('{')) document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            // Not an event: logged as a line below.
        }
        if (document is null)
        {
            LogTextLine(line);
            return;
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            // A line of BuildKit's SolveStatus shape (imgbuild's rawjson): the progress in its vertexes, statuses and
            // logs, and what SolveStatus has no place for in "imgbuild". A line with "event" is an older CLI's.
            if (root.TryGetProperty("event", out _))
            {
                LogEvent(root, line);
                return;
            }
            LogSolveStatus(root);
            if (root.TryGetProperty("imgbuild", out JsonElement extra) && extra.ValueKind == JsonValueKind.Object) LogEvent(extra, line);
        }
    }

    // Vertex digest to the number progress shows, in the order they first appear (as buildx's plain output numbers them).
    private readonly Dictionary<string, int> _vertexNumbers = new(StringComparer.Ordinal);

    private int VertexNumber(string digest)
    {
        if (!_vertexNumbers.TryGetValue(digest, out int number)) _vertexNumbers[digest] = number = _vertexNumbers.Count + 1;
        return number;
    }

    // The progress of a SolveStatus as buildx's plain output words it: "#3 [build 2/3] RUN make", "#3 output line",
    // "#3 DONE 1.2s", "#3 CACHED", "#3 CANCELED". A failed vertex's error is logged from the "imgbuild" error.
    private void LogSolveStatus(JsonElement status)
    {
        if (status.TryGetProperty("vertexes", out JsonElement vertexes) && vertexes.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement vertex in vertexes.EnumerateArray())
            {
                string digest = Text(vertex, "digest");
                bool known = _vertexNumbers.ContainsKey(digest);
                int number = VertexNumber(digest);
                if (!known) Log.LogMessage(MessageImportance.Normal, $"#{number} {Text(vertex, "name")}");
                if (!vertex.TryGetProperty("completed", out JsonElement completed)) continue;
                string error = Text(vertex, "error");
                if (error.EndsWith("context canceled", StringComparison.Ordinal))
                    Log.LogMessage(MessageImportance.Normal, $"#{number} CANCELED");
                else if (error.Length > 0)
                    continue;
                else if (vertex.TryGetProperty("cached", out JsonElement cached) && cached.ValueKind == JsonValueKind.True)
                    Log.LogMessage(MessageImportance.Normal, $"#{number} CACHED");
                else
                    Log.LogMessage(MessageImportance.Normal, $"#{number} DONE {Seconds(vertex, completed)}");
            }
        }
        if (status.TryGetProperty("statuses", out JsonElement statuses) && statuses.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement part in statuses.EnumerateArray())
                Log.LogMessage(MessageImportance.Normal, $"#{VertexNumber(Text(part, "vertex"))} {Text(part, "id")} done");
        }
        if (status.TryGetProperty("logs", out JsonElement logs) && logs.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement log in logs.EnumerateArray())
            {
                string text = log.TryGetProperty("data", out JsonElement data) && data.ValueKind == JsonValueKind.String && data.TryGetBytesFromBase64(out byte[]? bytes)
                    ? Encoding.UTF8.GetString(bytes).TrimEnd('\n') : "";
                Log.LogMessage(MessageImportance.Normal, $"#{VertexNumber(Text(log, "vertex"))} {text}");
            }
        }
    }

    private static string Seconds(JsonElement vertex, JsonElement completed) =>
        vertex.TryGetProperty("started", out JsonElement started) && started.TryGetDateTimeOffset(out DateTimeOffset from) && completed.TryGetDateTimeOffset(out DateTimeOffset to)
            ? (to - from).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s" : "?";

    // A line imgbuild did not write as an event: its own text (an old CLI, a crash) or the .NET runtime's.
    private void LogTextLine(string line)
    {
        const string Prefix = "imgbuild: ", WarningPrefix = "imgbuild: warning: ";
        if (line.Length == 0) return;
        if (line.StartsWith(WarningPrefix, StringComparison.Ordinal))
            Log.LogWarning(null, BuildErrorCode, null, Dockerfile, 0, 0, 0, 0, line[WarningPrefix.Length..]);
        else
            Log.LogError(null, BuildErrorCode, null, Dockerfile, 0, 0, 0, 0, line.StartsWith(Prefix, StringComparison.Ordinal) ? line[Prefix.Length..] : line);
    }

    private void LogEvent(JsonElement e, string line)
    {
        switch (Text(e, "event"))
        {
            case "started":
                Log.LogMessage(MessageImportance.Normal, Number(e, "line") is int at ? $"#{Number(e, "step")} [{at}] {Text(e, "name")}" : $"#{Number(e, "step")} {Text(e, "name")}");
                break;
            case "cached":
                Log.LogMessage(MessageImportance.Normal, $"#{Number(e, "step")} CACHED");
                break;
            case "miss" when e.TryGetProperty("reasons", out JsonElement reasons) && reasons.ValueKind == JsonValueKind.Array:
                foreach (JsonElement reason in reasons.EnumerateArray())
                    Log.LogMessage(MessageImportance.Normal, $"{Text(e, "name")}: miss: {reason.GetString()}");
                break;
            case "output":
                Log.LogMessage(MessageImportance.Normal, $"#{Number(e, "step")} {Text(e, "text")}");
                break;
            case "done":
                string seconds = e.TryGetProperty("seconds", out JsonElement s) && s.TryGetDouble(out double value) ? value.ToString("0.0", CultureInfo.InvariantCulture) : "?";
                Log.LogMessage(MessageImportance.Normal, $"#{Number(e, "step")} DONE {seconds}s");
                break;
            case "message":
                Log.LogMessage(MessageImportance.Normal, Text(e, "text"));
                break;
            case "warning":
                Log.LogWarning(null, BuildErrorCode, null, Dockerfile, 0, 0, 0, 0, Text(e, "text"));
                break;
            case "diagnostic":
                LogDiagnostic(e);
                break;
            case "error" when e.TryGetProperty("instruction", out _):
                LogStepFailure(e);
                break;
            case "error":
                Log.LogError(null, BuildErrorCode, null, Dockerfile, 0, 0, 0, 0, Text(e, "message"));
                break;
            case "result":
                GeneratedImageDigest = Text(e, "manifestDigest");
                GeneratedImageName = e.TryGetProperty("names", out JsonElement names) && names.ValueKind == JsonValueKind.Array && names.GetArrayLength() > 0
                    ? names[0].GetString() ?? "" : "";
                Log.LogMessage(MessageImportance.Normal, $"image {GeneratedImageDigest}");
                break;
            default:
                // An event this task does not know yet (a newer CLI): progress, not a failure.
                Log.LogMessage(MessageImportance.Normal, line);
                break;
        }
    }

    // file(line,column): error IB1008: message — where the IDE shows compiler errors, the hint on the next line.
    private void LogDiagnostic(JsonElement e)
    {
        string message = Text(e, "message");
        if (e.TryGetProperty("hint", out JsonElement hint) && hint.GetString() is { Length: > 0 } text) message += $"\nhint: {text}";
        string file = Text(e, "file") is { Length: > 0 } f ? f : Dockerfile;
        int line = Number(e, "line") ?? 0, column = Number(e, "column") ?? 0, endLine = Number(e, "endLine") ?? 0, endColumn = Number(e, "endColumn") ?? 0;
        if (Text(e, "severity") == "warning")
            Log.LogWarning(null, Text(e, "code"), null, file, line, column, endLine, endColumn, message);
        else
            Log.LogError(null, Text(e, "code"), null, file, line, column, endLine, endColumn, message);
    }

    // One error for the whole failure, at the instruction: its command and status, then the output it printed last.
    private void LogStepFailure(JsonElement e)
    {
        var message = new StringBuilder($"{Text(e, "instruction")}: {Text(e, "message")}");
        if (e.TryGetProperty("lastLines", out JsonElement lines) && lines.ValueKind == JsonValueKind.Array && lines.GetArrayLength() > 0)
            message.Append("\nlast output lines:").AppendJoin("", lines.EnumerateArray().Select(l => "\n" + l.GetString()));
        string file = Text(e, "file") is { Length: > 0 } f ? f : Dockerfile;
        Log.LogError(null, StepErrorCode, null, file, Number(e, "line") ?? 0, 0, Number(e, "endLine") ?? 0, 0, message.ToString());
    }

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static int? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number) ? number : null;

    /// <summary>
    /// Cancels as Ctrl-C does: imgbuild gets SIGINT and time to kill its containers, undo its mounts and remove its
    /// temporary files; only if it has not stopped after <see cref="CancelGracePeriod"/> is it killed, as ToolTask does.
    /// </summary>
    public override void Cancel()
    {
        var children = ImgbuildChildren().ToList();
        foreach (int pid in children) _ = kill(pid, 2 /* SIGINT */);
        DateTime giveUp = DateTime.UtcNow + CancelGracePeriod;
        while (children.Any(pid => Directory.Exists($"/proc/{pid}")) && DateTime.UtcNow < giveUp) Thread.Sleep(100);
        base.Cancel();
    }

    /// <summary>How long a cancelled imgbuild may take to clean up before it is killed.</summary>
    public static TimeSpan CancelGracePeriod { get; } = TimeSpan.FromSeconds(30);

    // The processes this MSBuild process started that run imgbuild (ToolTask does not expose its process).
    private IEnumerable<int> ImgbuildChildren()
    {
        if (!Directory.Exists("/proc")) yield break;
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid)) continue;
            string stat, commandLine;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
                commandLine = File.ReadAllText(Path.Combine(directory, "cmdline"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // gone, or not ours to read
            }
            // stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && fields[1] == Environment.ProcessId.ToString(CultureInfo.InvariantCulture) && commandLine.Contains(Path.GetFileName(ImgBuildPath), StringComparison.Ordinal))
                yield return pid;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>The command line (for tests).</summary>
    internal string CommandLine() => GenerateCommandLineCommands();
}
