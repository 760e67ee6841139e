namespace Builder.Cache.Layers;

/// <summary>The type of a <see cref="HostEntry"/>.</summary>
public enum HostEntryKind
{
    /// <summary>A regular file.</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (not followed).</summary>
    Symlink,

    /// <summary>A device, fifo or socket.</summary>
    Node,
}
