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

    /// <summary>A device or a fifo: made again with mknod, never opened.</summary>
    Node,

    /// <summary>A socket: never opened (BuildKit's context transfer sends one as an empty file).</summary>
    Socket,
}
