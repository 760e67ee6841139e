namespace Builder.Solver.Snapshots;

/// <summary>
/// overlayfs where the kernel allows it, else the copying snapshotter, decided by a probe mount the first time a
/// snapshot is needed: a build whose steps all come from the cache mounts nothing.
/// </summary>
/// <param name="workRoot">Where the probe mounts.</param>
/// <param name="fellBack">Told once when overlayfs is not available and snapshots are copies.</param>
/// <param name="volatileMounts">Overlay mounts skip syncing their upper file system (<see cref="OverlaySnapshotter"/>).</param>
/// <param name="cleanup">Where overlay snapshots' working folders are deleted in the background (<see cref="OverlaySnapshotter"/>).</param>
public sealed class ProbingSnapshotter(string workRoot, Action fellBack, bool volatileMounts = false, SnapshotCleanup? cleanup = null) : ISnapshotter
{
    private readonly Lazy<ISnapshotter> _chosen = new(() =>
    {
        if (OverlaySnapshotter.IsSupported(workRoot)) return new OverlaySnapshotter(volatileMounts, cleanup);
        fellBack();
        return new CopySnapshotter();
    });

    /// <summary>Whether the probe has run.</summary>
    public bool HasProbed => _chosen.IsValueCreated;

    /// <inheritdoc />
    public string Name => _chosen.Value.Name;

    /// <inheritdoc />
    public Snapshot Create(IReadOnlyList<string> lowerDirectories, string workRoot) => _chosen.Value.Create(lowerDirectories, workRoot);
}
