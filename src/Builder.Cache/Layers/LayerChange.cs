namespace Builder.Cache.Layers;

/// <summary>
/// One change of a filesystem, in the order the layer tar lists it. <see cref="Path"/> is relative to the root,
/// uses '/' and has no trailing slash.
/// </summary>
internal abstract record LayerChange(string Path)
{
    /// <summary>A path present in the new tree: added or modified. The tar entry is built from its status.</summary>
    internal sealed record Added(string Path, string FullPath, FileStatus Status, IReadOnlyDictionary<string, byte[]> Xattrs)
        : LayerChange(Path);

    /// <summary>A path of the lower tree that is gone: a <c>.wh.&lt;name&gt;</c> entry (layer.md, "Whiteouts").</summary>
    internal sealed record Deleted(string Path) : LayerChange(Path);

    /// <summary>A directory whose lower contents are hidden: a <c>.wh..wh..opq</c> entry in it (layer.md, "Opaque Whiteout").</summary>
    internal sealed record Opaque(string Path) : LayerChange(Path);
}
