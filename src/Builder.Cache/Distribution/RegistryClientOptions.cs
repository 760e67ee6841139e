using System.Collections.Immutable;

namespace Builder.Cache.Distribution;

/// <summary>How a <see cref="RegistryClient"/> connects and authenticates.</summary>
public sealed record RegistryClientOptions
{
    /// <summary>Where credentials come from; <see langword="null"/> for anonymous access only.</summary>
    public IRegistryCredentials? Credentials { get; init; }

    /// <summary>Hosts reached over plain HTTP although they are not loopback (<c>--insecure-registry</c>).</summary>
    public ImmutableHashSet<string> InsecureRegistries { get; init; } = [];

    /// <summary>The HTTP handler, for tests that count or disturb requests; <see langword="null"/> for the default.</summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>How many times a request is tried when the registry answers 5xx or 429 or the connection drops.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>The first retry's delay; each further retry waits twice as long.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How many blobs are transferred at once.</summary>
    public int MaxParallelTransfers { get; init; } = 3;
}
