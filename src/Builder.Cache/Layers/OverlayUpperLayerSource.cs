namespace Builder.Cache.Layers;

/// <summary>
/// Reads an overlayfs upper directory (Documentation/filesystems/overlayfs.rst): whiteouts are character
/// devices 0/0, opaque directories carry <c>trusted.overlay.opaque=y</c>. The <c>trusted.overlay.*</c> attributes
/// are overlay's bookkeeping and are not copied. Redirected and metacopy directories (redirect_dir=on,
/// metacopy=on) are not supported: mount without them, as containerd's overlay snapshotter does.
/// </summary>
internal sealed class OverlayUpperLayerSource(string upper) : LayerSource
{
    private const string OverlayXattrPrefix = "trusted.overlay.";

    internal override IEnumerable<LayerChange> EnumerateChanges(CancellationToken cancellationToken) =>
        Walk("", cancellationToken);

    private IEnumerable<LayerChange> Walk(string relative, CancellationToken cancellationToken)
    {
        foreach (string name in PathOrder.SortedNames(Path.Join(upper, relative)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = PathOrder.Join(relative, name);
            string full = Path.Join(upper, path);
            FileStatus status = LinuxFileSystem.LStat(full);
            if (status.IsOverlayWhiteout)
            {
                yield return new LayerChange.Deleted(path);
                continue;
            }
            SortedDictionary<string, byte[]> all = LinuxFileSystem.ListXattrs(full);
            var kept = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
            foreach ((string key, byte[] value) in all)
            {
                if (!key.StartsWith(OverlayXattrPrefix, StringComparison.Ordinal))
                    kept[key] = value;
            }
            yield return new LayerChange.Added(path, full, status, kept);
            if (!status.IsDirectory)
                continue;
            if (all.TryGetValue(OverlayXattrPrefix + "opaque", out byte[]? opaque) && opaque is [(byte)'y'])
                yield return new LayerChange.Opaque(path);
            foreach (LayerChange change in Walk(path, cancellationToken))
                yield return change;
        }
    }
}
