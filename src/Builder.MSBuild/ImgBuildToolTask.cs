using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Builder.MSBuild;

/// <summary>
/// A task that runs the imgbuild CLI shipped in the package out of process (<c>dotnet imgbuild.dll …</c>), with the
/// same <c>dotnet</c> host as MSBuild, so its dependencies never meet MSBuild's.
/// </summary>
public abstract class ImgBuildToolTask : ToolTask
{
    /// <summary>The imgbuild CLI (<c>imgbuild.dll</c>).</summary>
    [Required]
    public string ImgBuildPath { get; set; } = "";

    /// <summary>The image store (<c>--root</c>); imgbuild's default when empty.</summary>
    public string? StoreRoot { get; set; }

    /// <inheritdoc />
    protected override string ToolName => "dotnet";

    /// <inheritdoc />
    protected override string GenerateFullPathToTool() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : ToolName;

    /// <summary>The start of every imgbuild command line: the CLI and the store.</summary>
    private protected CommandLineBuilder StartCommandLine(string command)
    {
        var builder = new CommandLineBuilder();
        builder.AppendFileNameIfNotNull(ImgBuildPath);
        if (!string.IsNullOrEmpty(StoreRoot)) builder.AppendSwitchIfNotNull("--root ", StoreRoot);
        builder.AppendSwitch(command);
        return builder;
    }
}
