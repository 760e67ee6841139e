using System.Collections.Immutable;

namespace Builder.Engine;

/// <summary>How a <see cref="BuildEngine"/> is set up: its store, registries and tools. Front ends fill it from flags
/// and environment; the engine reads nothing else.</summary>
public sealed record EngineOptions
{
    /// <summary>The store's root directory.</summary>
    public required string StoreRoot { get; init; }

    /// <summary>Docker's client config file for registry credentials, or null for none.</summary>
    public string? DockerConfigPath { get; init; }

    /// <summary>Registry hosts reached over plain HTTP although they are not loopback.</summary>
    public ImmutableArray<string> InsecureRegistries { get; init; } = [];

    /// <summary>How long connecting to a registry may take before the attempt fails (a few attempts are made).</summary>
    public TimeSpan RegistryConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a registry may send nothing (no answer, or no bytes of a body) before the attempt fails; a download
    /// has no total limit. While a request waits, the progress says so every few seconds.
    /// </summary>
    public TimeSpan RegistryIdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The size cap applied after every build; see <see cref="StorageCap"/>.</summary>
    public StorageCap StorageCap { get; init; } = StorageCap.Default;

    /// <summary>
    /// The Docker engine that <c>--load</c> (<c>--output type=docker</c> without <c>dest</c>) loads images into:
    /// <c>unix:///PATH</c> or <c>tcp://HOST:PORT</c>, as <c>DOCKER_HOST</c> says.
    /// </summary>
    public string DockerHost { get; init; } = Cache.Export.DockerEngineClient.DefaultHost;

    /// <summary>The directories where runc and git are looked up (the caller's <c>PATH</c>).</summary>
    public ImmutableArray<string> SearchPath { get; init; } = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
}
