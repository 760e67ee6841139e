using System.Globalization;

namespace Builder.MSBuild;

/// <summary>
/// The base image the .NET SDK infers for a project when <c>ContainerBaseImage</c> is empty, with the SDK's rules
/// (its <c>ComputeDotnetBaseImageAndTag</c> task, .NET SDK 10): <c>runtime-deps</c> for a self-contained app,
/// <c>aspnet</c> for one that references ASP.NET Core, else <c>runtime</c>; the tag is the target framework's
/// major.minor (or the preview's channel while the SDK is one), then <c>-alpine</c> for <c>linux-musl</c> RIDs,
/// <c>-noble-chiseled</c> for trimmed and AOT apps, <c>-extra</c> where such an app needs globalization and <c>-aot</c>
/// (from <c>dotnet/nightly/runtime-deps</c>) for an AOT app that does not, or <c>-ContainerFamily</c> when that is set
/// (with <c>-extra</c> after a <c>*-chiseled</c> family for a globalized app on a stable SDK 8).
/// </summary>
internal static class DotnetBaseImage
{
    /// <summary>Where the SDK's images come from.</summary>
    public const string Registry = "mcr.microsoft.com";

    // From .NET 8 the tags carry the preview or rc channel, and the -extra and chiseled images exist.
    private const int FirstVersionWithNewTags = 8;

    /// <summary>What the inference reads from the project.</summary>
    public sealed record Project
    {
        public required string SdkVersion { get; init; }
        public required string TargetFrameworkVersion { get; init; }
        public bool IsAspNetCore { get; init; }
        public bool IsSelfContained { get; init; }
        public bool IsAotPublished { get; init; }
        public bool IsTrimmed { get; init; }
        public bool UsesInvariantGlobalization { get; init; }
        public IReadOnlyList<string> RuntimeIdentifiers { get; init; } = [];
        public string? ContainerFamily { get; init; }
    }

    /// <summary>The inferred image (<c>mcr.microsoft.com/dotnet/aspnet:10.0</c>), or <see langword="false"/> with the reason.</summary>
    public static bool TryInfer(Project project, out string image, out string error)
    {
        (image, error) = ("", "");
        int musl = project.RuntimeIdentifiers.Count(r => r.StartsWith("linux-musl", StringComparison.Ordinal));
        if (musl > 0 && musl != project.RuntimeIdentifiers.Count)
        {
            error = $"the runtime identifiers {string.Join(";", project.RuntimeIdentifiers)} mix linux-musl and others: one base image serves them all, so use linux-musl for all or none";
            return false;
        }
        bool isMusl = musl > 0;
        if (!TryParseVersion(project.TargetFrameworkVersion, out SdkVersion framework))
        {
            error = $"the target framework version '{project.TargetFrameworkVersion}' is not a version";
            return false;
        }
        string tag;
        bool newTags;
        SdkVersion sdk = default;
        if (framework.Major < FirstVersionWithNewTags)
        {
            (tag, newTags) = ($"{framework.Major}.{framework.Minor}", false);
        }
        else if (!TryParseVersion(project.SdkVersion, out sdk))
        {
            error = $"the SDK version '{project.SdkVersion}' is not a version";
            return false;
        }
        else if (!TryVersionTag(sdk, framework, out tag, out error))
        {
            return false;
        }
        else
        {
            newTags = true;
        }
        bool hasFamily = !string.IsNullOrWhiteSpace(project.ContainerFamily);
        // The -aot images (no ICU, tzdata or libstdc++) are published on MCR's nightly repository only, so an AOT app in
        // invariant mode gets dotnet/nightly/runtime-deps (the SDK's NeedsNightlyImages), unless a family is chosen.
        bool nightly = project.IsAotPublished && project.UsesInvariantGlobalization && project.IsSelfContained && !hasFamily && newTags;
        string repository = nightly ? "dotnet/nightly/runtime-deps"
            : project.IsSelfContained ? "dotnet/runtime-deps" : project.IsAspNetCore ? "dotnet/aspnet" : "dotnet/runtime";
        if (hasFamily)
        {
            // The family follows the version part; a chiseled family lacks ICU and tzdata, so a globalized app gets
            // -extra, but only on a stable SDK 8 (the SDK checks parsedVersion.Major == FirstVersionWithNewTaggingScheme:
            // "the extras only became available on the stable tags of" .NET 8), so not on SDK 9 or 10.
            tag += $"-{project.ContainerFamily}";
            if (!isMusl && project.ContainerFamily!.EndsWith("-chiseled", StringComparison.Ordinal) && !project.UsesInvariantGlobalization && newTags
                && !sdk.IsPrerelease && sdk.Major == FirstVersionWithNewTags)
                tag += "-extra";
        }
        else if (!newTags)
        {
            if (isMusl) tag += "-alpine";
        }
        else
        {
            // Alpine for musl; chiseled Ubuntu for trimmed and AOT apps (noble from SDK 8.0.300 on, jammy before);
            // then -extra (ICU and tzdata) when such an app needs globalization, or -aot for an AOT app that does not.
            bool trimmed = project.IsAotPublished || project.IsTrimmed;
            if (isMusl) tag += "-alpine";
            else if (trimmed) tag += sdk.CompareTo(new SdkVersion(8, 0, 300, [])) >= 0 ? "-noble-chiseled" : "-jammy-chiseled";
            if (trimmed && !project.UsesInvariantGlobalization) tag += "-extra";
            else if (project.IsAotPublished && project.UsesInvariantGlobalization) tag += "-aot";
        }
        image = $"{Registry}/{repository}:{tag}";
        return true;
    }

    // The major.minor tag, or for the first SDK of a preview or rc (x.y.100-preview.N) the channel's own tag.
    private static bool TryVersionTag(SdkVersion sdk, SdkVersion framework, out string tag, out string error)
    {
        error = "";
        if (framework.Major < sdk.Major || framework.Minor < sdk.Minor)
        {
            tag = $"{framework.Major}.{framework.Minor}";   // an older framework on a newer SDK: its stable images
            return true;
        }
        tag = $"{sdk.Major}.{sdk.Minor}";
        if (!sdk.IsPrerelease || sdk.Patch != 100) return true;
        string channel = sdk.Labels[0];
        switch (channel)
        {
            case "rtm" or "servicing":
                return true;
            case "rc" or "preview" when sdk.Labels.Length > 1:
                tag = $"{sdk.Major}.{sdk.Minor}.0-{channel}.{sdk.Labels[1]}";
                return true;
            case "alpha" or "dev" or "ci":
                tag = $"{sdk.Major}.{sdk.Minor}-preview";
                return true;
            default:
                error = $"the SDK version '{sdk}' has the prerelease channel '{channel}', which names no base image tag";
                return false;
        }
    }

    private static bool TryParseVersion(string text, out SdkVersion version)
    {
        version = default;
        string[] parts = text.Split('+')[0].Split('-', 2);
        string[] numbers = parts[0].Split('.');
        if (numbers.Length is < 2 or > 4) return false;
        var values = new int[3];
        for (int i = 0; i < Math.Min(numbers.Length, 3); i++)
            if (!int.TryParse(numbers[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i])) return false;
        version = new SdkVersion(values[0], values[1], values[2], parts.Length > 1 ? parts[1].Split('.') : []);
        return true;
    }

    // A semantic version as the SDK's are written: 10.0.100, 10.0.100-rc.2.25502.107.
    private readonly record struct SdkVersion(int Major, int Minor, int Patch, string[] Labels) : IComparable<SdkVersion>
    {
        public bool IsPrerelease => Labels is { Length: > 0 };

        // Prerelease ordering is not needed: only stable versions are compared (8.0.300).
        public int CompareTo(SdkVersion other) => (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch)) is int c && c != 0 ? c
            : IsPrerelease == other.IsPrerelease ? 0 : IsPrerelease ? -1 : 1;

        public override string ToString() => $"{Major}.{Minor}.{Patch}{(IsPrerelease ? "-" + string.Join('.', Labels) : "")}";
    }
}
