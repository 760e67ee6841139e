using System.Collections.Immutable;

namespace Builder.Oci;

/// <summary>
/// Docker's HEALTHCHECK configuration (Docker image spec v1.2, <c>Healthcheck</c>). Durations are written to
/// JSON as integer nanoseconds; a zero duration or zero <see cref="Retries"/> means "inherit the default".
/// </summary>
/// <remarks>
/// <see cref="TimeSpan"/> has 100 ns resolution, so a nanosecond count that is not a multiple of 100 is
/// truncated when read.
/// </remarks>
public sealed record Healthcheck
{
    /// <summary>
    /// The test: empty to inherit, <c>["NONE"]</c> to disable, <c>["CMD", args…]</c> or
    /// <c>["CMD-SHELL", command]</c>.
    /// </summary>
    public ImmutableArray<string> Test { get; init; } = [];

    /// <summary>The time between checks.</summary>
    public TimeSpan Interval { get; init; }

    /// <summary>The time after which one check counts as failed.</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>The time the container gets to start before failures count.</summary>
    public TimeSpan StartPeriod { get; init; }

    /// <summary>The time between checks during <see cref="StartPeriod"/>.</summary>
    public TimeSpan StartInterval { get; init; }

    /// <summary>The consecutive failures after which the container is unhealthy.</summary>
    public int Retries { get; init; }
}
