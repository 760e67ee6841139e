using System.Collections.Immutable;
using Builder.Oci;

namespace Builder.Frontend.Conversion;

/// <summary>What a build asks of the Dockerfile: the target stage, build arguments, platforms and ignore patterns.</summary>
public sealed record ConversionOptions
{
    /// <summary>The stage to build (<c>--target</c>); null for the last stage.</summary>
    public string? Target { get; init; }

    /// <summary><c>--build-arg</c> values by name.</summary>
    public ImmutableDictionary<string, string> BuildArgs { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The platform images are built for (TARGETPLATFORM).</summary>
    public Platform TargetPlatform { get; init; } = Platform.Current;

    /// <summary>The platform the build runs on (BUILDPLATFORM).</summary>
    public Platform BuildPlatform { get; init; } = Platform.Current;

    /// <summary>
    /// Whether the build was asked for <see cref="TargetPlatform"/> (<c>--platform</c>): then the image's config says
    /// the target's OS and architecture whatever its base image says, as BuildKit does when the target platform is not
    /// implicit (dockerfile2llb/convert.go, <c>!platformOpt.implicitTarget</c>).
    /// </summary>
    public bool TargetPlatformGiven { get; init; }

    /// <summary>The build context's .dockerignore patterns, in order (<c>!</c> exceptions included).</summary>
    public ImmutableArray<string> IgnorePatterns { get; init; } = [];

    /// <summary>The network of RUN steps without <c>--network</c> (the build's <c>--network</c>).</summary>
    public Builder.Graph.NetworkMode DefaultNetwork { get; init; } = Builder.Graph.NetworkMode.Default;

    /// <summary>Lines every RUN container's <c>/etc/hosts</c> gets (the build's <c>--add-host</c>).</summary>
    public ImmutableArray<Builder.Graph.ExtraHost> ExtraHosts { get; init; } = [];

    /// <summary>Resource limits of every RUN process (the build's <c>--ulimit</c>).</summary>
    public ImmutableArray<Builder.Graph.Ulimit> Ulimits { get; init; } = [];

    /// <summary>The size in bytes of every RUN container's <c>/dev/shm</c> (the build's <c>--shm-size</c>), or null for the default 64 MiB.</summary>
    public long? ShmSize { get; init; }

    /// <summary>Labels added to the target's image config (the build's <c>--label</c>), over the Dockerfile's.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Named contexts (<c>--build-context</c>), which FROM and COPY --from use before stages and images.</summary>
    public ImmutableDictionary<string, NamedContext> NamedContexts { get; init; } = ImmutableDictionary<string, NamedContext>.Empty;

    /// <summary>The name of the build context's steps; a compose build gives each service's context its own.</summary>
    public string ContextName { get; init; } = Builder.Graph.ContextSourceStep.DefaultName;
}
