using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Builder.MSBuild;

/// <summary>
/// Writes the Dockerfile that makes the image the .NET SDK would make from the project's container properties
/// (<see cref="ContainerDockerfile"/>), only when its text changes, so that an unchanged project leaves it untouched
/// and the image target can be skipped. A property it cannot honour is an error naming it.
/// </summary>
public sealed class ImgBuildDockerfileTask : Microsoft.Build.Utilities.Task
{
    /// <summary>The Dockerfile to write.</summary>
    [Required]
    public string File { get; set; } = "";

    /// <summary>The base image (<c>ContainerBaseImage</c>, given or inferred).</summary>
    [Required]
    public string BaseImage { get; set; } = "";

    /// <summary>
    /// The digest of the base image's manifest (<see cref="ImgBuildResolveBaseImageTask"/>): <c>FROM</c> names it, and the
    /// base image's <see cref="BaseEntrypoint"/>, <see cref="BaseCmd"/> and <see cref="BaseEnvironment"/> are those of
    /// that image. Empty when the base was not resolved (then its config is not read).
    /// </summary>
    public string? BaseImageDigest { get; set; }

    /// <summary>The base image config's <c>Entrypoint</c>, one item per word.</summary>
    public ITaskItem[] BaseEntrypoint { get; set; } = [];

    /// <summary>The base image config's <c>Cmd</c>, one item per word.</summary>
    public ITaskItem[] BaseCmd { get; set; } = [];

    /// <summary>The base image config's <c>Env</c>: item spec the name, metadata <c>Value</c>.</summary>
    public ITaskItem[] BaseEnvironment { get; set; } = [];

    /// <summary><c>ContainerWorkingDirectory</c>.</summary>
    [Required]
    public string WorkingDirectory { get; set; } = "";

    /// <summary><c>@(ContainerLabel)</c>: item spec the key, metadata <c>Value</c>.</summary>
    public ITaskItem[] Labels { get; set; } = [];

    /// <summary><c>@(ContainerEnvironmentVariable)</c>: item spec the name, metadata <c>Value</c>.</summary>
    public ITaskItem[] EnvironmentVariables { get; set; } = [];

    /// <summary><c>@(ContainerPort)</c>: item spec the number, metadata <c>Type</c> (tcp or udp).</summary>
    public ITaskItem[] Ports { get; set; } = [];

    /// <summary><c>ContainerUser</c>.</summary>
    public string? User { get; set; }

    /// <summary><c>@(ContainerAppCommand)</c>.</summary>
    public ITaskItem[] AppCommand { get; set; } = [];

    /// <summary><c>@(ContainerAppCommandArgs)</c>.</summary>
    public ITaskItem[] AppCommandArgs { get; set; } = [];

    /// <summary><c>ContainerAppCommandInstruction</c>: Entrypoint, DefaultArgs or None.</summary>
    public string? AppCommandInstruction { get; set; }

    /// <summary><c>@(ContainerDefaultArgs)</c>.</summary>
    public ITaskItem[] DefaultArgs { get; set; } = [];

    /// <summary><c>@(ContainerEntrypoint)</c>.</summary>
    public ITaskItem[] Entrypoint { get; set; } = [];

    /// <summary><c>@(ContainerEntrypointArgs)</c>.</summary>
    public ITaskItem[] EntrypointArgs { get; set; } = [];

    /// <summary>Each platform's files come from its own publish output (a named context per platform): several runtime identifiers.</summary>
    public bool PublishPerPlatform { get; set; }

    /// <summary>Build arguments for the values a Dockerfile line cannot hold: item spec the name, metadata <c>Value</c>.</summary>
    [Output]
    public ITaskItem[] ValueArguments { get; private set; } = [];

    /// <inheritdoc />
    public override bool Execute()
    {
        var dockerfile = new ContainerDockerfile
        {
            BaseImage = BaseImage,
            BaseImageDigest = BaseImageDigest,
            BaseEntrypoint = string.IsNullOrEmpty(BaseImageDigest) ? null : [.. BaseEntrypoint.Select(i => i.ItemSpec)],
            BaseCmd = [.. BaseCmd.Select(i => i.ItemSpec)],
            BaseEnvironment = [.. BaseEnvironment.Select(e => (e.ItemSpec, e.GetMetadata("Value")))],
            WorkingDirectory = WorkingDirectory,
            Labels = [.. Labels.Select(l => (l.ItemSpec, l.GetMetadata("Value")))],
            EnvironmentVariables = [.. EnvironmentVariables.Select(e => (e.ItemSpec, e.GetMetadata("Value")))],
            Ports = [.. Ports.Select(p => (p.ItemSpec, p.GetMetadata("Type")))],
            User = User,
            AppCommand = [.. AppCommand.Select(i => i.ItemSpec)],
            AppCommandArgs = [.. AppCommandArgs.Select(i => i.ItemSpec)],
            AppCommandInstruction = AppCommandInstruction,
            DefaultArgs = [.. DefaultArgs.Select(i => i.ItemSpec)],
            EntrypointItems = [.. Entrypoint.Select(i => i.ItemSpec)],
            EntrypointArgs = [.. EntrypointArgs.Select(i => i.ItemSpec)],
            PublishPerPlatform = PublishPerPlatform,
        };
        string text = dockerfile.Render();
        foreach (string error in dockerfile.Errors)
            Log.LogError(null, ImgBuildErrorCodes.InvalidProperty, null, BuildEngine?.ProjectFileOfTaskNode, 0, 0, 0, 0, error);
        if (dockerfile.Errors.Count > 0) return false;
        foreach (string warning in dockerfile.Warnings)
            Log.LogWarning(null, ImgBuildErrorCodes.BaseEntrypointReplaced, null, BuildEngine?.ProjectFileOfTaskNode, 0, 0, 0, 0, warning);
        ValueArguments = [.. dockerfile.ValueArguments.Select(a => new TaskItem(a.Key, new Dictionary<string, string> { ["Value"] = a.Value }))];
        if (!System.IO.File.Exists(File) || System.IO.File.ReadAllText(File) != text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(File))!);
            System.IO.File.WriteAllText(File, text);
        }
        return true;
    }
}
