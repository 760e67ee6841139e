using Builder.MSBuild;
using Microsoft.Build.Framework;

namespace Builder.MSBuild.Tests;

/// <summary>The runtime identifier properties choose the platform, or fail naming the property imgbuild cannot honour.</summary>
public sealed class ImgBuildBaseImageTaskTests
{
    private static readonly string ThisMachine = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.Arm64 => "linux-arm64",
        _ => "linux-x64",
    };

    private static readonly string OtherMachine = ThisMachine == "linux-x64" ? "linux-arm64" : "linux-x64";

    private static (ImgBuildBaseImageTask Task, RecordingBuildEngine Engine) Task()
    {
        var engine = new RecordingBuildEngine();
        return (new ImgBuildBaseImageTask { BuildEngine = engine, SdkVersion = "10.0.401", TargetFrameworkVersion = "10.0" }, engine);
    }

    [Fact]
    public void Execute_ThisMachinesRid_IsItsPlatformAndTheInferredImage()
    {
        (ImgBuildBaseImageTask task, _) = Task();
        task.ContainerRuntimeIdentifier = ThisMachine;
        task.ContainerFamily = "noble-chiseled";
        task.UsesInvariantGlobalization = true;

        Assert.True(task.Execute());

        Assert.Equal(ThisMachine == "linux-x64" ? "linux/amd64" : "linux/arm64", task.Platform);
        Assert.Equal("mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled", task.BaseImage);
    }

    [Fact]
    public void Execute_OneRidInContainerRuntimeIdentifiers_IsThatRid()
    {
        (ImgBuildBaseImageTask task, _) = Task();
        task.ContainerRuntimeIdentifiers = ThisMachine;
        task.UserBaseImage = "registry.example/base:1";

        Assert.True(task.Execute());

        Assert.Equal((ThisMachine, "registry.example/base:1"), (task.RuntimeIdentifier, task.BaseImage));
    }

    [Fact]
    public void Execute_SeveralRids_IsAnIndexOfTheirPlatformsWithANamedContextEach()
    {
        (ImgBuildBaseImageTask task, _) = Task();
        task.ContainerRuntimeIdentifiers = "linux-x64;linux-arm64";
        task.UserBaseImage = "registry.example/base:1";

        Assert.True(task.Execute());

        Assert.Equal(("", "linux/amd64,linux/arm64"), (task.RuntimeIdentifier, task.Platform));
        Assert.Equal([("linux-x64", "linux/amd64", "imgbuild-publish-amd64"), ("linux-arm64", "linux/arm64", "imgbuild-publish-arm64")],
            task.PlatformRuntimeIdentifiers.Select(i => (i.ItemSpec, i.GetMetadata("Platform"), i.GetMetadata("ContextName"))));
    }

    [Fact]
    public void Execute_TwoRidsOfOnePlatform_FailsNamingIt()
    {
        (ImgBuildBaseImageTask task, RecordingBuildEngine engine) = Task();
        task.ContainerRuntimeIdentifiers = "linux-x64;linux-musl-x64";

        Assert.False(task.Execute());

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal("IB4100", error.Code);
        Assert.Contains("names linux/amd64 twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_RidOfAnotherArchitecture_IsItsPlatform()
    {
        (ImgBuildBaseImageTask task, _) = Task();
        task.ContainerRuntimeIdentifier = OtherMachine;
        task.UserBaseImage = "registry.example/base:1";

        Assert.True(task.Execute());

        Assert.Equal(OtherMachine == "linux-x64" ? "linux/amd64" : "linux/arm64", task.Platform);
    }

    [Fact]
    public void Execute_RidOfAnotherOperatingSystem_FailsNamingContainerRuntimeIdentifier()
    {
        (ImgBuildBaseImageTask task, RecordingBuildEngine engine) = Task();
        task.ContainerRuntimeIdentifier = "win-x64";

        Assert.False(task.Execute());

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal("IB4101", error.Code);
        Assert.StartsWith("not supported yet: ContainerRuntimeIdentifier 'win-x64'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_NoInference_LeavesTheBaseImageEmpty()
    {
        (ImgBuildBaseImageTask task, _) = Task();
        task.ContainerRuntimeIdentifier = ThisMachine;
        task.Infer = false;

        Assert.True(task.Execute());

        Assert.Equal("", task.BaseImage);
    }
}
