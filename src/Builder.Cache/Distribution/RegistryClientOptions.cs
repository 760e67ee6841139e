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

    /// <summary>How long connecting to a registry may take (containerd's and Docker's dialer allow 30 s).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a registry may stay silent: waiting for an answer, or between two reads of a body. There is no total
    /// limit, so a large layer downloads as long as bytes keep coming.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many times a request is tried when the registry does not answer in time (at most <see cref="MaxAttempts"/>).</summary>
    public int TimedOutAttempts { get; init; } = 3;

    /// <summary>How often <see cref="Waiting"/> is told that a request still has no answer.</summary>
    public TimeSpan WaitingReportInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Told, every <see cref="WaitingReportInterval"/>, which registry a request is still waiting on (for a progress line).</summary>
    public Action<string>? Waiting { get; init; }

    /// <summary>How many blobs are transferred at once.</summary>
    public int MaxParallelTransfers { get; init; } = 3;
}
