using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Builder.MSBuild;

/// <summary>
/// Builds an image with the imgbuild CLI shipped in the package, run out of process (<c>dotnet imgbuild.dll build …</c>)
/// so its dependencies never meet MSBuild's. Dockerfile errors become MSBuild errors at their file, line and column;
/// a failed RUN is an error at its instruction's line with the step's last output lines; progress goes to the log at
/// normal verbosity. Cancelling the build (Ctrl-C) stops imgbuild, which cleans up after itself.
/// </summary>
public sealed partial class ImgBuildTask : ToolTask
{
    private const int OutputLinesKept = 20;
    private readonly Queue<string> _recentOutput = new();
    private string? _iidFile;

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

    /// <summary>The first name the image was given.</summary>
    [Output]
    public string GeneratedImageName { get; private set; } = "";

    protected override string ToolName => "dotnet";

    protected override string GenerateFullPathToTool() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : ToolName;

    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Normal;

    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Normal;

    public override bool Execute()
    {
        _iidFile = Path.Combine(Path.GetTempPath(), "imgbuild-iid-" + Guid.NewGuid().ToString("N"));
        try
        {
            bool succeeded = base.Execute() && !Log.HasLoggedErrors;
            if (succeeded && File.Exists(_iidFile))
            {
                GeneratedImageDigest = File.ReadAllText(_iidFile).Trim();
                GeneratedImageName = Tags.Length > 0 ? Tags[0].ItemSpec : "";
            }
            return succeeded;
        }
        finally
        {
            if (File.Exists(_iidFile)) File.Delete(_iidFile);
        }
    }

    /// <summary>The imgbuild command line for the task's properties.</summary>
    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        builder.AppendFileNameIfNotNull(ImgBuildPath);
        if (!string.IsNullOrEmpty(StoreRoot)) builder.AppendSwitchIfNotNull("--root ", StoreRoot);
        builder.AppendSwitch("build");
        builder.AppendSwitch("--progress plain");
        builder.AppendSwitchIfNotNull("-f ", Dockerfile);
        foreach (ITaskItem tag in Tags) builder.AppendSwitchIfNotNull("-t ", tag.ItemSpec);
        if (!string.IsNullOrEmpty(Target)) builder.AppendSwitchIfNotNull("--target ", Target);
        foreach (ITaskItem argument in BuildArgs) builder.AppendSwitchIfNotNull("--build-arg ", $"{argument.ItemSpec}={argument.GetMetadata("Value")}");
        foreach (ITaskItem label in Labels) builder.AppendSwitchIfNotNull("--label ", $"{label.ItemSpec}={label.GetMetadata("Value")}");
        foreach (ITaskItem output in Outputs) builder.AppendSwitchIfNotNull("--output ", output.ItemSpec);
        if (Push) builder.AppendSwitch("--push");
        foreach (ITaskItem cache in CacheFrom) builder.AppendSwitchIfNotNull("--cache-from ", cache.ItemSpec);
        foreach (ITaskItem cache in CacheTo) builder.AppendSwitchIfNotNull("--cache-to ", cache.ItemSpec);
        if (_iidFile is not null) builder.AppendSwitchIfNotNull("--iidfile ", _iidFile);
        builder.AppendFileNameIfNotNull(Context);
        return builder.ToString();
    }

    /// <summary>Turns imgbuild's diagnostics into MSBuild errors and warnings; other lines are progress.</summary>
    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (Diagnostic().Match(singleLine) is { Success: true } diagnostic)
        {
            // file:line:col: error IB0001: message — a Dockerfile error, where the IDE shows compiler errors.
            string file = diagnostic.Groups["file"].Value, code = diagnostic.Groups["code"].Value, message = diagnostic.Groups["message"].Value;
            int line = int.Parse(diagnostic.Groups["line"].Value, CultureInfo.InvariantCulture), column = int.Parse(diagnostic.Groups["column"].Value, CultureInfo.InvariantCulture);
            if (diagnostic.Groups["severity"].Value == "warning")
                Log.LogWarning(null, code, null, file, line, column, 0, 0, message);
            else
                Log.LogError(null, code, null, file, line, column, 0, 0, message);
            return;
        }
        if (StepFailure().Match(singleLine) is { Success: true } failure)
        {
            // imgbuild: FILE:LINE: INSTRUCTION: what failed — the step, then the output it printed last.
            var text = new StringBuilder(failure.Groups["message"].Value);
            if (_recentOutput.Count > 0) text.Append("\nlast output lines:\n").AppendJoin('\n', _recentOutput);
            Log.LogError(null, "IMGB1001", null, failure.Groups["file"].Value, int.Parse(failure.Groups["line"].Value, CultureInfo.InvariantCulture), 0, 0, 0, text.ToString());
            return;
        }
        if (singleLine.StartsWith("imgbuild: ", StringComparison.Ordinal) && !singleLine.StartsWith("imgbuild: warning", StringComparison.Ordinal))
        {
            Log.LogError(null, "IMGB1000", null, Dockerfile, 0, 0, 0, 0, singleLine["imgbuild: ".Length..]);
            return;
        }
        if (OutputLine().Match(singleLine) is { Success: true } output)
        {
            _recentOutput.Enqueue(output.Groups["text"].Value);
            while (_recentOutput.Count > OutputLinesKept) _recentOutput.Dequeue();
        }
        Log.LogMessage(messageImportance, singleLine);
    }

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

    /// <summary>Reads one line of imgbuild's output (for tests).</summary>
    internal void ReadLine(string line) => LogEventsFromTextOutput(line, MessageImportance.Normal);

    [GeneratedRegex(@"^(?<file>.+?):(?<line>\d+):(?<column>\d+): (?<severity>error|warning) (?<code>[A-Z]+\d+): (?<message>.*)$")]
    private static partial Regex Diagnostic();

    [GeneratedRegex(@"^imgbuild: (?<file>[^:]+):(?<line>\d+)(?:-\d+)?: (?<message>.*)$")]
    private static partial Regex StepFailure();

    [GeneratedRegex(@"^#\d+ \d+\.\d{3} (?<text>.*)$")]
    private static partial Regex OutputLine();
}
