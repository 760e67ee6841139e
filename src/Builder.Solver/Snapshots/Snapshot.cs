namespace Builder.Solver.Snapshots;

/// <summary>
/// A writable root filesystem for one step: <see cref="RootFilesystem"/> shows the read-only lower layers with
/// the step's changes on top, and <see cref="ChangesDirectory"/> holds only those changes (an overlay upper
/// directory), or is <see langword="null"/> when the snapshotter must compare trees to find them.
/// Disposing unmounts it and deletes its working files.
/// </summary>
public abstract class Snapshot : IDisposable
{
    /// <summary>The directory the container uses as <c>/</c>.</summary>
    public abstract string RootFilesystem { get; }

    /// <summary>The overlay upper directory, or <see langword="null"/> for a copied snapshot.</summary>
    public abstract string? ChangesDirectory { get; }

    /// <summary>The lower layers, top first, for a layer made by comparing trees.</summary>
    public abstract IReadOnlyList<string> LowerDirectories { get; }

    /// <summary>
    /// Ends the snapshot and keeps what it produced at <paramref name="destination"/>, so it can be a lower directory
    /// of later snapshots: the overlay upper directory (whiteouts included), or for a copied snapshot the whole tree.
    /// </summary>
    public abstract void Commit(string destination);

    /// <summary>Unmounts and deletes the snapshot's working files.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the snapshot.</summary>
    protected abstract void Dispose(bool disposing);
}
