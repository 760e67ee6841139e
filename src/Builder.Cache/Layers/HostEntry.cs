namespace Builder.Cache.Layers;

/// <summary>One entry of the host's file system as <see cref="HostFiles.Describe"/> reads it.</summary>
/// <param name="Kind">Its type.</param>
/// <param name="Permissions">Its permission bits with setuid, setgid and sticky (a link's are meaningless).</param>
/// <param name="Identity">Its device, inode, size, modification time and link count.</param>
public readonly record struct HostEntry(HostEntryKind Kind, int Permissions, FileIdentity Identity);
