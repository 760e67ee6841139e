using System.Globalization;
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
public sealed class ImgBuildTask : ToolTask
{
    /// <summary>The code of an error that is neither a diagnostic nor a step: imgbuild's own, or a line it did not write as JSON.</summary>
    internal const string BuildErrorCode = "IMGB1000";

    /// <summary>The code of a failed step (a RUN that exited non-zero, a COPY whose source is missing…).</summary>
    internal const string StepErrorCode = "IMGB1001";

    /// <summary>The code of a build that exited successfully without saying what it made.</summary>
    internal const string NoResultCode = "IMGB1002";

    /// <summary>The imgbuild CLI (<c>imgbuild.dll</c>).</summary>
    [Required]
    public string ImgBuildPath { get; set; } = "";

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

    /// <summary>Push to the registry the names point at.</summary>
    public bool Push { get; set; }

    /// <summary><c>--cache-from</c> values.</summary>
    public ITaskItem[] CacheFrom { get; set; } = [];

    /// <summary><c>--cache-to</c> values.</summary>
    public ITaskItem[] CacheTo { get; set; } = [];

    /// <summary>The image store (<c>--root</c>); imgbuild's default when empty.</summary>
    public string? StoreRoot { get; set; }

    /// <summary>The built image's manifest digest.</summary>
    [Output]
    public string GeneratedImageDigest { get; private set; } = "";

    /// <summary>The first name the image was given, in imgbuild's canonical form (<c>docker.io/library/app:1</c>).</summary>
    [Output]
    public string GeneratedImageName { get; private set; } = "";

    protected override string ToolName => "dotnet";

    protected override string GenerateFullPathToTool() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : ToolName;

    // The importance tells LogEventsFromTextOutput which stream a line came from (ToolTask hands it nothing else):
    // stderr carries the events; stdout only the digest, which the result event also carries.
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Low;

    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Normal;

    public override bool Execute()
    {
        bool succeeded = base.Execute() && !Log.HasLoggedErrors;
        if (succeeded && GeneratedImageDigest.Length == 0)
        {
            Log.LogError(null, NoResultCode, null, Dockerfile, 0, 0, 0, 0, "imgbuild exited successfully but reported no result event: is the CLI older than this task?");
            return false;
        }
        return succeeded;
    }

    /// <summary>The imgbuild command line for the task's properties.</summary>
    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        builder.AppendFileNameIfNotNull(ImgBuildPath);
        if (!string.IsNullOrEmpty(StoreRoot)) builder.AppendSwitchIfNotNull("--root ", StoreRoot);
        builder.AppendSwitch("build");
        builder.AppendSwitch("--progress rawjson");
        builder.AppendSwitchIfNotNull("-f ", Dockerfile);
        foreach (ITaskItem tag in Tags) builder.AppendSwitchIfNotNull("-t ", tag.ItemSpec);
        if (!string.IsNullOrEmpty(Target)) builder.AppendSwitchIfNotNull("--target ", Target);
        foreach (ITaskItem argument in BuildArgs) builder.AppendSwitchIfNotNull("--build-arg ", $"{argument.ItemSpec}={argument.GetMetadata("Value")}");
        foreach (ITaskItem label in Labels) builder.AppendSwitchIfNotNull("--label ", $"{label.ItemSpec}={label.GetMetadata("Value")}");
        foreach (ITaskItem output in Outputs) builder.AppendSwitchIfNotNull("--output ", output.ItemSpec);
        if (Push) builder.AppendSwitch("--push");
        foreach (ITaskItem cache in CacheFrom) builder.AppendSwitchIfNotNull("--cache-from ", cache.ItemSpec);
        foreach (ITaskItem cache in CacheTo) builder.AppendSwitchIfNotNull("--cache-to ", cache.ItemSpec);
        builder.AppendFileNameIfNotNull(Context);
        return builder.ToString();
    }

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
            LogEvent(document.RootElement, line);
    }

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
                    Log.LogMessage(MessageImportance.Normal, $"#{Number(e, "step")} miss: {reason.GetString()}");
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
