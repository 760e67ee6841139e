using System.Collections.Immutable;
using Builder.Frontend.Conversion;
using Builder.Frontend.Syntax;
using Builder.Graph;
using Builder.Oci;

namespace Builder.Frontend.Tests.Conversion;

/// <summary>Steps are named as BuildKit names its vertexes (dockerfile2llb's prefixCommand), for progress.</summary>
public sealed class StepNamingTests
{
    private static readonly Platform Amd64 = Platform.Parse("linux/amd64");

    private sealed class EmptyResolver : IImageConfigResolver
    {
        public Task<(ImageConfig Config, Digest? ManifestDigest)> ResolveAsync(ImageReference image, Platform platform, CancellationToken cancellationToken) =>
            Task.FromResult<(ImageConfig, Digest?)>((ImageConfig.Empty(platform), null));
    }

    private static async Task<string[]> NamesAsync(string dockerfile)
    {
        BuildGraph graph = await DockerfileConverter.ConvertAsync(DockerfileParser.Parse(dockerfile),
            new ConversionOptions { TargetPlatform = Amd64, BuildPlatform = Amd64, BuildArgs = ImmutableDictionary<string, string>.Empty }, new EmptyResolver());
        return [.. graph.Steps().Select(s => s.Origin?.Name).OfType<string>().Distinct().Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Convert_MultiStage_StageNumberAndTotalWithVariablesExpanded()
    {
        string[] names = await NamesAsync("""
            FROM alpine AS base
            ARG GREETING=hello
            RUN echo "$GREETING from $UNSET"
            ENV DIR=/src
            COPY a.txt /a.txt
            FROM base AS build
            WORKDIR $DIR
            run make
            FROM base
            COPY --from=build /src /out
            """);

        Assert.Equal([
            "[base 1/3] FROM docker.io/library/alpine:latest",
            "[base 2/3] RUN echo \"hello from $UNSET\"",
            "[base 3/3] COPY a.txt /a.txt",
            "[build 1/2] WORKDIR /src",
            "[build 2/2] RUN make",
            "[stage-2 1/1] COPY --from=build /src /out",
        ], names);
    }

    [Fact]
    public async Task Convert_OneStageOfElevenSteps_NoStageNameAndNumberPaddedToTheTotalsWidth()
    {
        string[] names = await NamesAsync("FROM alpine\n" + string.Concat(Enumerable.Range(1, 10).Select(i => $"RUN echo {i}\n")));

        Assert.Equal("[ 1/11] FROM docker.io/library/alpine:latest", names[0]);
        Assert.Contains("[ 2/11] RUN echo 1", names);
        Assert.Contains("[11/11] RUN echo 10", names);
    }
}
