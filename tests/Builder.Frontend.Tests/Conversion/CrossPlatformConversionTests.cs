using System.Collections.Immutable;
using Builder.Frontend.Conversion;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;
using Builder.Graph;
using Builder.Oci;

namespace Builder.Frontend.Tests.Conversion;

/// <summary>
/// A build for another platform than this machine's (issue 16): base images and TARGET* args are the target's,
/// FROM --platform=$BUILDPLATFORM stages stay on the build platform, and a RUN that would need emulation is refused
/// at conversion, before anything runs.
/// </summary>
public sealed class CrossPlatformConversionTests
{
    private static readonly Platform Amd64 = Platform.Parse("linux/amd64");
    private static readonly Platform Arm64 = Platform.Parse("linux/arm64");

    private sealed class PlatformResolver : IImageConfigResolver
    {
        public Task<(ImageConfig Config, Digest? ManifestDigest)> ResolveAsync(ImageReference image, Platform platform, CancellationToken cancellationToken) =>
            Task.FromResult<(ImageConfig, Digest?)>((ImageConfig.Empty(platform), null));
    }

    private static Task<BuildGraph> ConvertForArm64(string dockerfile, bool platformGiven = true) =>
        DockerfileConverter.ConvertAsync(DockerfileParser.Parse(dockerfile),
            new ConversionOptions { TargetPlatform = Arm64, BuildPlatform = Amd64, TargetPlatformGiven = platformGiven, BuildArgs = ImmutableDictionary<string, string>.Empty },
            new PlatformResolver());

    [Fact]
    public async Task Convert_RunInAStageOfAnotherArchitecture_FailsNotSupportedAtTheRun()
    {
        DockerfileException error = await Assert.ThrowsAsync<DockerfileException>(() => ConvertForArm64("FROM alpine\nRUN make\n"));

        Assert.Equal((DiagnosticCodes.NotSupportedYet, 2), (error.Diagnostic.Code, error.Diagnostic.Span.StartLine));
        Assert.StartsWith("not supported yet: RUN for linux/arm64 needs emulation", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("--platform=$BUILDPLATFORM", error.Diagnostic.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_BuildPlatformStage_RunsNativelyWithTheTargetsArgs()
    {
        BuildGraph graph = await ConvertForArm64("FROM --platform=$BUILDPLATFORM golang AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build\n" +
                                                 "FROM alpine\nCOPY --from=build /out /out\n");

        Assert.Equal([("alpine:latest", Arm64), ("golang:latest", Amd64)],
            graph.Steps().OfType<ImageSourceStep>().Select(s => (s.Image.FamiliarName, s.Platform)).OrderBy(s => s.FamiliarName, StringComparer.Ordinal));
        Assert.Contains("TARGETARCH=arm64", graph.Steps().OfType<ExecStep>().Single().Env);
    }

    [Theory]
    [InlineData(true, "arm64")]
    [InlineData(false, "amd64")]
    public async Task Convert_LastStageFromBuildPlatform_ConfigIsTheTargetsWhenThePlatformIsGiven(bool given, string architecture)
    {
        BuildGraph graph = await ConvertForArm64("FROM --platform=$BUILDPLATFORM alpine\nCOPY a /a\n", given);

        Assert.Equal(("linux", architecture), (graph.Targets[0].Config.OS, graph.Targets[0].Config.Architecture));
    }
}
