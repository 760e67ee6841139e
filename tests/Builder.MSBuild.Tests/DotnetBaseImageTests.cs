using Builder.MSBuild;

namespace Builder.MSBuild.Tests;

/// <summary>The base image inferred for a project, by the .NET SDK's rules (ComputeDotnetBaseImageAndTag).</summary>
public sealed class DotnetBaseImageTests
{
    private static DotnetBaseImage.Project Project(string framework = "10.0", string sdk = "10.0.401", string rid = "linux-x64") =>
        new() { SdkVersion = sdk, TargetFrameworkVersion = framework, RuntimeIdentifiers = [rid] };

    private static readonly Dictionary<string, (DotnetBaseImage.Project Project, string Expected)> All = new()
    {
        ["console"] = (Project(), "mcr.microsoft.com/dotnet/runtime:10.0"),
        ["web"] = (Project() with { IsAspNetCore = true }, "mcr.microsoft.com/dotnet/aspnet:10.0"),
        ["self-contained web"] = (Project() with { IsAspNetCore = true, IsSelfContained = true }, "mcr.microsoft.com/dotnet/runtime-deps:10.0"),
        ["AOT, globalized"] = (Project() with { IsSelfContained = true, IsAotPublished = true }, "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled-extra"),
        // The SDK's tests (TheBigMatrixOfTrimmingInference, AOTAppsGetAOTImages): the -aot images are on MCR's nightly repository.
        ["AOT, invariant"] = (Project() with { IsSelfContained = true, IsAotPublished = true, UsesInvariantGlobalization = true }, "mcr.microsoft.com/dotnet/nightly/runtime-deps:10.0-noble-chiseled-aot"),
        ["musl AOT, invariant"] = (Project(rid: "linux-musl-x64") with { IsSelfContained = true, IsAotPublished = true, UsesInvariantGlobalization = true }, "mcr.microsoft.com/dotnet/nightly/runtime-deps:10.0-alpine-aot"),
        ["trimmed, invariant"] = (Project() with { IsSelfContained = true, IsTrimmed = true, UsesInvariantGlobalization = true }, "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled"),
        ["AOT, invariant, family"] = (Project() with { IsSelfContained = true, IsAotPublished = true, UsesInvariantGlobalization = true, ContainerFamily = "noble-chiseled" }, "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled"),
        ["trimmed, globalized"] = (Project() with { IsSelfContained = true, IsTrimmed = true }, "mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled-extra"),
        ["AOT on SDK 8.0.100"] = (Project("8.0", "8.0.100") with { IsSelfContained = true, IsAotPublished = true, UsesInvariantGlobalization = true }, "mcr.microsoft.com/dotnet/nightly/runtime-deps:8.0-jammy-chiseled-aot"),
        // -extra after a chiseled family only on a stable SDK 8 (the SDK's CanTakeContainerBaseFamilyIntoAccount; its
        // code compares the SDK's major version with 8 exactly), so SDK 10 gives the family as written.
        ["family chiseled, globalized, SDK 8"] = (Project("8.0", "8.0.300") with { IsAspNetCore = true, ContainerFamily = "noble-chiseled" }, "mcr.microsoft.com/dotnet/aspnet:8.0-noble-chiseled-extra"),
        ["family chiseled, globalized, SDK 10"] = (Project() with { IsAspNetCore = true, ContainerFamily = "noble-chiseled" }, "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled"),
        ["family chiseled, invariant"] = (Project() with { IsAspNetCore = true, ContainerFamily = "noble-chiseled", UsesInvariantGlobalization = true }, "mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled"),
        ["family alpine"] = (Project() with { ContainerFamily = "alpine" }, "mcr.microsoft.com/dotnet/runtime:10.0-alpine"),
        ["musl"] = (Project(rid: "linux-musl-x64") with { IsAspNetCore = true }, "mcr.microsoft.com/dotnet/aspnet:10.0-alpine"),
        ["musl AOT, globalized"] = (Project(rid: "linux-musl-arm64") with { IsSelfContained = true, IsAotPublished = true }, "mcr.microsoft.com/dotnet/runtime-deps:10.0-alpine-extra"),
        ["older framework"] = (Project("9.0") with { IsAspNetCore = true }, "mcr.microsoft.com/dotnet/aspnet:9.0"),
        ["framework before 8, no chiseled"] = (Project("7.0") with { IsSelfContained = true, IsAotPublished = true }, "mcr.microsoft.com/dotnet/runtime-deps:7.0"),
        ["preview SDK"] = (Project("11.0", "11.0.100-preview.3.25201.16"), "mcr.microsoft.com/dotnet/runtime:11.0.0-preview.3"),
        ["rc SDK"] = (Project("11.0", "11.0.100-rc.2.25502.107"), "mcr.microsoft.com/dotnet/runtime:11.0.0-rc.2"),
        ["daily SDK"] = (Project("11.0", "11.0.100-alpha.1.25300.1"), "mcr.microsoft.com/dotnet/runtime:11.0-preview"),
        ["later preview band"] = (Project("11.0", "11.0.200-preview.1.25500.1"), "mcr.microsoft.com/dotnet/runtime:11.0"),
    };

    public static TheoryData<string> Cases => new(All.Keys);

    [Theory, MemberData(nameof(Cases))]
    public void TryInfer_Project_GivesTheSdksImage(string name)
    {
        (DotnetBaseImage.Project project, string expected) = All[name];
        Assert.True(DotnetBaseImage.TryInfer(project, out string image, out string error), $"{name}: {error}");
        Assert.Equal(expected, image);
    }

    [Fact]
    public void TryInfer_MuslMixedWithOtherRids_FailsSayingSo()
    {
        Assert.False(DotnetBaseImage.TryInfer(Project() with { RuntimeIdentifiers = ["linux-musl-x64", "linux-x64"] }, out _, out string error));
        Assert.Contains("mix linux-musl and others", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryInfer_UnknownPrereleaseChannel_Fails()
    {
        Assert.False(DotnetBaseImage.TryInfer(Project("11.0", "11.0.100-nightly.1"), out _, out string error));
        Assert.Contains("'nightly'", error, StringComparison.Ordinal);
    }
}
