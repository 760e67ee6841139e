using System.Collections.Immutable;
using Builder.Solver.Snapshots;

namespace Builder.Solver.Mounts;

/// <summary>What <c>RUN --mount</c> needs from the build: where cache mounts live, the secrets given with <c>--secret</c>, SSH agents, and snapshots for rw binds.</summary>
/// <param name="CacheMountRoot">The store directory that keeps cache mounts between builds (never part of a layer).</param>
/// <param name="Secrets">Secret values by id.</param>
/// <param name="Snapshotter">Makes the throwaway snapshots of read-write bind sources.</param>
/// <param name="WorkRoot">Where those snapshots go.</param>
public sealed record RunMountOptions(string CacheMountRoot, ImmutableDictionary<string, byte[]> Secrets, ISnapshotter Snapshotter, string WorkRoot)
{
    /// <summary>SSH agent sockets on this machine by id (<c>--ssh default=$SSH_AUTH_SOCK</c>), for <c>RUN --mount=type=ssh</c>.</summary>
    public ImmutableDictionary<string, string> SshAgents { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Cache mount contents imported with <c>--cache-from</c>, restored into a cache mount this machine does not have yet.</summary>
    public ICacheMountImport? ImportedCacheMounts { get; init; }
}
