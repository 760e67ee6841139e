using System.Collections.Immutable;
using Builder.Cache.BuildCache;
using Builder.Cache.Export;
using Builder.Graph;
using Builder.Oci;

namespace Builder.Engine;

/// <summary>One image of a <see cref="BuildRequest"/>: a Dockerfile, its context, and where the image goes.</summary>
public sealed record TargetRequest
{
    /// <summary>A name for progress and results: the compose service, or empty for a single build.</summary>
    public string Name { get; init; } = "";

    /// <summary>The build context directory.</summary>
    public required string ContextDirectory { get; init; }

    /// <summary>The Dockerfile's text.</summary>
    public required string DockerfileText { get; init; }

    /// <summary>The Dockerfile's path, for errors and for finding <c>&lt;Dockerfile&gt;.dockerignore</c>.</summary>
    public required string DockerfilePath { get; init; }

    /// <summary>The stage to build (<c>--target</c>), or null for the last one.</summary>
    public string? Stage { get; init; }

    /// <summary>Build arguments (<c>--build-arg</c>).</summary>
    public ImmutableDictionary<string, string> BuildArgs { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Labels added to the image (<c>--label</c>), over the Dockerfile's.</summary>
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Named contexts (<c>--build-context</c>) that <c>FROM NAME</c> and <c>COPY --from=NAME</c> use.</summary>
    public ImmutableDictionary<string, NamedContextSource> NamedContexts { get; init; } = ImmutableDictionary<string, NamedContextSource>.Empty;

    /// <summary>The image's names (<c>-t</c>).</summary>
    public ImmutableArray<ImageReference> Names { get; init; } = [];

    /// <summary>Where the image goes (<c>--output</c>); the first decides the layer format. Empty: the local store.</summary>
    public ImmutableArray<OutputSpec> Outputs { get; init; } = [];

    /// <summary>
    /// Annotations of the image manifest (<c>--annotation KEY=VALUE</c>, <c>manifest:KEY=VALUE</c>); an image with
    /// any is written with OCI media types, as BuildKit writes it.
    /// </summary>
    public ImmutableDictionary<string, string> Annotations { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Build caches to export (<c>--cache-to</c>), <c>type=inline</c> included.</summary>
    public ImmutableArray<CacheSpec> CacheExports { get; init; } = [];

    /// <summary>The network of this target's RUN steps without <c>--network</c>, over <see cref="BuildRequest.Network"/>; null: the request's.</summary>
    public NetworkMode? Network { get; init; }

    /// <summary>Run this target's steps without the build cache (compose's <c>build.no_cache</c>), as <see cref="BuildRequest.NoCache"/> does for all.</summary>
    public bool NoCache { get; init; }

    /// <summary>Entitlements granted to this target only (compose's <c>build.privileged</c> and <c>build.entitlements</c>), beside <see cref="BuildRequest.Entitlements"/>.</summary>
    public ImmutableHashSet<Entitlement> Entitlements { get; init; } = [];
}
