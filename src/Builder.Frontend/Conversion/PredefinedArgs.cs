using Builder.Oci;

namespace Builder.Frontend.Conversion;

/// <summary>
/// BuildKit's defaultArgs (dockerfile2llb/platform.go): the ARGs every Dockerfile has without declaring them.
/// </summary>
internal static class PredefinedArgs
{
    /// <summary>
    /// TARGETPLATFORM, TARGETOS… BUILDVARIANT from the build's platforms and TARGETSTAGE (the target's name, or
    /// "default"), each replaced by a --build-arg of its name.
    /// </summary>
    /// <param name="options">The build's platforms, target and build arguments.</param>
    /// <param name="lastStageName">The last stage's name (the target when none is asked for), or null.</param>
    public static Dictionary<string, string> Of(ConversionOptions options, string? lastStageName)
    {
        Platform target = options.TargetPlatform, build = options.BuildPlatform;
        string targetStage = options.Target ?? lastStageName ?? string.Empty;
        var predefined = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["BUILDPLATFORM"] = build.ToString(), ["BUILDOS"] = build.OS, ["BUILDOSVERSION"] = string.Empty,
            ["BUILDARCH"] = build.Architecture, ["BUILDVARIANT"] = build.Variant,
            ["TARGETPLATFORM"] = target.ToString(), ["TARGETOS"] = target.OS, ["TARGETOSVERSION"] = string.Empty,
            ["TARGETARCH"] = target.Architecture, ["TARGETVARIANT"] = target.Variant,
            ["TARGETSTAGE"] = targetStage.Length == 0 ? "default" : targetStage,
        };
        foreach (string name in predefined.Keys.ToArray())
        {
            if (options.BuildArgs.TryGetValue(name, out string? given)) predefined[name] = given;
        }
        return predefined;
    }
}
