using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Builder.MSBuild;

/// <summary>
/// Reads the .NET SDK's container properties that choose the image's base and platform: the runtime identifier
/// (<c>ContainerRuntimeIdentifier</c>, else the one <c>ContainerRuntimeIdentifiers</c> names) becomes the platform,
/// and an empty <c>ContainerBaseImage</c> is inferred as the SDK infers it (<see cref="DotnetBaseImage"/>). A value
/// imgbuild cannot honour is an error naming the property, never ignored.
/// </summary>
public sealed class ImgBuildBaseImageTask : Microsoft.Build.Utilities.Task
{
    /// <summary><c>ContainerBaseImage</c>: when set, used as it is.</summary>
    public string? UserBaseImage { get; set; }

    /// <summary>Whether to infer a base image when <see cref="UserBaseImage"/> is empty (not when the project has its own Dockerfile).</summary>
    public bool Infer { get; set; } = true;

    /// <summary><c>NETCoreSdkVersion</c>.</summary>
    public string SdkVersion { get; set; } = "";

    /// <summary>The target framework's version without the v (<c>10.0</c>).</summary>
    public string TargetFrameworkVersion { get; set; } = "";

    /// <summary><c>@(FrameworkReference)</c>: <c>Microsoft.AspNetCore.App</c> chooses the aspnet image.</summary>
    public ITaskItem[] FrameworkReferences { get; set; } = [];

    /// <summary><c>SelfContained</c> or <c>PublishSelfContained</c>.</summary>
    public bool IsSelfContained { get; set; }

    /// <summary><c>PublishAot</c>.</summary>
    public bool IsAotPublished { get; set; }

    /// <summary><c>PublishTrimmed</c>.</summary>
    public bool IsTrimmed { get; set; }

    /// <summary><c>InvariantGlobalization</c>.</summary>
    public bool UsesInvariantGlobalization { get; set; }

    /// <summary><c>ContainerRuntimeIdentifier</c> (the SDK defaults it to <c>RuntimeIdentifier</c>, else <c>linux-</c> and the SDK's architecture).</summary>
    public string? ContainerRuntimeIdentifier { get; set; }

    /// <summary><c>ContainerRuntimeIdentifiers</c>: several (without <c>ContainerRuntimeIdentifier</c>) mean an image index of their platforms.</summary>
    public string? ContainerRuntimeIdentifiers { get; set; }

    /// <summary><c>ContainerFamily</c>: the suffix of the inferred base image's tag (<c>noble-chiseled</c>, <c>alpine</c>).</summary>
    public string? ContainerFamily { get; set; }

    /// <summary>The base image: <see cref="UserBaseImage"/> or the inferred one.</summary>
    [Output]
    public string BaseImage { get; private set; } = "";

    /// <summary>The runtime identifier the image is for; empty for an image index of several.</summary>
    [Output]
    public string RuntimeIdentifier { get; private set; } = "";

    /// <summary>The OCI platform the image is for (<c>linux/amd64</c>), or the platforms of an index separated by ',' (<c>--platform</c>'s form).</summary>
    [Output]
    public string Platform { get; private set; } = "";

    /// <summary>
    /// For an image index: one item per runtime identifier, with metadata <c>Platform</c> and <c>ContextName</c> (the
    /// named context its publish output goes to, <see cref="ContainerPlatform.PublishContextName"/>); empty for one.
    /// </summary>
    [Output]
    public ITaskItem[] PlatformRuntimeIdentifiers { get; private set; } = [];

    /// <inheritdoc />
    public override bool Execute()
    {
        string[] several = [.. (ContainerRuntimeIdentifiers ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct()];
        RuntimeIdentifier = ContainerRuntimeIdentifier?.Trim() ?? "";
        // As the SDK (_ContainerEstablishRIDNess): several runtime identifiers without ContainerRuntimeIdentifier make
        // an image index, each platform's image from that runtime identifier's publish output.
        string[] identifiers = RuntimeIdentifier.Length > 0 ? [RuntimeIdentifier] : several.Length > 0 ? several : [""];
        var platforms = new List<string>(identifiers.Length);
        foreach (string identifier in identifiers)
        {
            if (ContainerPlatform.Of(identifier) is not string platform)
            {
                Error(ImgBuildErrorCodes.NotSupported, $"not supported yet: {(RuntimeIdentifier.Length > 0 ? "ContainerRuntimeIdentifier" : "ContainerRuntimeIdentifiers")} '{identifier}': " +
                    "imgbuild builds Linux images (linux-x64, linux-arm64, linux-musl-x64…)");
                return false;
            }
            if (platforms.Contains(platform))
            {
                Error(ImgBuildErrorCodes.InvalidProperty, $"ContainerRuntimeIdentifiers '{string.Join(";", several)}' names {platform} twice: an image index has one image per platform");
                return false;
            }
            platforms.Add(platform);
        }
        if (identifiers.Length == 1)
        {
            RuntimeIdentifier = identifiers[0];
        }
        else
        {
            PlatformRuntimeIdentifiers = [.. identifiers.Zip(platforms).Select(p => (ITaskItem)new TaskItem(p.First, new Dictionary<string, string>
            {
                ["Platform"] = p.Second,
                ["ContextName"] = ContainerPlatform.PublishContextName(p.Second),
            }))];
        }
        Platform = string.Join(",", platforms);
        BaseImage = UserBaseImage?.Trim() ?? "";
        if (BaseImage.Length > 0 || !Infer) return true;
        var project = new DotnetBaseImage.Project
        {
            SdkVersion = SdkVersion,
            TargetFrameworkVersion = TargetFrameworkVersion,
            IsAspNetCore = FrameworkReferences.Any(r => r.ItemSpec.Equals("Microsoft.AspNetCore.App", StringComparison.OrdinalIgnoreCase)),
            IsSelfContained = IsSelfContained,
            IsAotPublished = IsAotPublished,
            IsTrimmed = IsTrimmed,
            UsesInvariantGlobalization = UsesInvariantGlobalization,
            RuntimeIdentifiers = several.Length > 0 ? several : [RuntimeIdentifier],
            ContainerFamily = ContainerFamily,
        };
        if (!DotnetBaseImage.TryInfer(project, out string image, out string error))
        {
            Error(ImgBuildErrorCodes.BaseImage, $"cannot infer ContainerBaseImage: {error}; set ContainerBaseImage");
            return false;
        }
        BaseImage = image;
        Log.LogMessage(MessageImportance.Normal, $"inferred the base image {image} (ContainerBaseImage)");
        return true;
    }

    private void Error(string code, string message) =>
        Log.LogError(null, code, null, BuildEngine?.ProjectFileOfTaskNode, 0, 0, 0, 0, message);
}
