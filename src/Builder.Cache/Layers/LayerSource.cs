namespace Builder.Cache.Layers;

/// <summary>
/// What a layer is made of: a whole directory tree, an overlayfs upper directory, or the difference between
/// two trees. Pass it to <see cref="LayerWriter"/>.
/// </summary>
public abstract class LayerSource
{
    private protected LayerSource()
    {
    }

    /// <summary>Every entry under <paramref name="root"/> (not the root itself), as for a base layer or a scratch COPY.</summary>
    public static LayerSource FromDirectory(string root) => new DirectoryLayerSource(Existing(root));

    /// <summary>
    /// An overlayfs upper directory: a character device 0/0 becomes a <c>.wh.&lt;name&gt;</c> entry, a directory
    /// with <c>trusted.overlay.opaque=y</c> gets a <c>.wh..wh..opq</c> entry after it, and the
    /// <c>trusted.overlay.*</c> attributes are left out of the layer.
    /// </summary>
    public static LayerSource FromOverlayUpper(string upperDirectory) => new OverlayUpperLayerSource(Existing(upperDirectory));

    /// <summary>
    /// The changes from <paramref name="lowerDirectory"/> to <paramref name="upperDirectory"/> (for a copying
    /// snapshotter), with containerd's fs.Changes double-walk semantics: see <see cref="DiffLayerSource"/>.
    /// </summary>
    public static LayerSource FromDiff(string lowerDirectory, string upperDirectory) =>
        new DiffLayerSource(Existing(lowerDirectory), Existing(upperDirectory));

    /// <summary>The changes, parents before children, each directory's entries in <see cref="PathOrder"/>.</summary>
    internal abstract IEnumerable<LayerChange> EnumerateChanges(CancellationToken cancellationToken);

    private static string Existing(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = Path.GetFullPath(directory);
        return Directory.Exists(full)
            ? full
            : throw new DirectoryNotFoundException($"the layer source directory '{directory}' does not exist");
    }
}
