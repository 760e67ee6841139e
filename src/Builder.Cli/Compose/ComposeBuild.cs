using System.Collections.Immutable;
using Builder.Graph;

namespace Builder.Cli.Compose;

/// <summary>
/// The <c>build:</c> section of one compose service (compose spec, build.md), interpolated, merged and validated,
/// with paths made absolute against the project directory.
/// </summary>
/// <param name="Context">The build context directory.</param>
/// <param name="Dockerfile">The Dockerfile's path; for <c>dockerfile_inline</c>, <c>COMPOSE-FILE#services.NAME.build.dockerfile_inline</c>, which errors name.</param>
internal sealed record ComposeBuild(string Context, string Dockerfile)
{
    /// <summary><c>dockerfile_inline</c>: the Dockerfile's text, or null to read <see cref="Dockerfile"/>.</summary>
    public string? DockerfileInline { get; init; }

    public ImmutableDictionary<string, string> Args { get; init; } = ImmutableDictionary<string, string>.Empty;
    public string? Target { get; init; }
    public ImmutableArray<string> Tags { get; init; } = [];
    public ImmutableArray<string> CacheFrom { get; init; } = [];
    public ImmutableArray<string> CacheTo { get; init; } = [];
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Secrets as <c>--secret</c> values (<c>id=NAME,src=FILE</c> or <c>id=NAME,env=VAR</c>).</summary>
    public ImmutableArray<string> Secrets { get; init; } = [];

    /// <summary>SSH agents as <c>--ssh</c> values (<c>default</c> or <c>ID=SOCKET</c>).</summary>
    public ImmutableArray<string> Ssh { get; init; } = [];

    /// <summary><c>network</c>: <c>default</c>, <c>host</c> or <c>none</c>, or null when not set.</summary>
    public string? Network { get; init; }

    /// <summary><c>additional_contexts</c>: NAME to a directory, <c>docker-image://REF</c>, <c>oci-layout://DIR</c> or <c>service:NAME</c>.</summary>
    public ImmutableDictionary<string, string> AdditionalContexts { get; init; } = ImmutableDictionary<string, string>.Empty;

    public bool NoCache { get; init; }

    /// <summary><c>pull: true</c>: resolve base images in their registry even when the store has them.</summary>
    public bool Pull { get; init; }

    /// <summary><c>extra_hosts</c>: lines for the RUN containers' <c>/etc/hosts</c>.</summary>
    public ImmutableArray<ExtraHost> ExtraHosts { get; init; } = [];

    /// <summary><c>ulimits</c>: resource limits of the RUN processes.</summary>
    public ImmutableArray<Ulimit> Ulimits { get; init; } = [];

    /// <summary><c>shm_size</c>: the size of the RUN containers' <c>/dev/shm</c> in bytes, or null for the default.</summary>
    public long? ShmSize { get; init; }

    /// <summary><c>platforms</c>: the platforms to build for (several: an image index).</summary>
    public ImmutableArray<string> Platforms { get; init; } = [];

    /// <summary><c>privileged: true</c> and <c>entitlements</c>: entitlements this service's build is granted.</summary>
    public ImmutableArray<string> Entitlements { get; init; } = [];
}
