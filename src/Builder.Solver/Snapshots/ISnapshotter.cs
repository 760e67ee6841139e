namespace Builder.Solver.Snapshots;

/// <summary>Makes writable snapshots on top of read-only layer directories.</summary>
public interface ISnapshotter
{
    /// <summary>A short name for logs: <c>overlayfs</c> or <c>copy</c>.</summary>
    string Name { get; }

    /// <summary>Creates a snapshot over <paramref name="lowerDirectories"/> (top layer first; empty for scratch) in a new directory under <paramref name="workRoot"/>.</summary>
    Snapshot Create(IReadOnlyList<string> lowerDirectories, string workRoot);
}
