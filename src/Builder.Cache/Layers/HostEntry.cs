namespace Builder.Cache.Layers;

/// <summary>One entry of the host's file system as <see cref="HostFiles.Describe"/> reads it.</summary>
/// <param name="Kind">Its type.</param>
/// <param name="Permissions">Its permission bits with setuid, setgid and sticky (a link's are meaningless).</param>
/// <param name="Identity">Its device, inode, size, modification time and link count.</param>
/// <param name="Node">For a <see cref="HostEntryKind.Node"/>: its type letter as tar and <c>ls</c> write it (<c>c</c>,
/// <c>b</c> or <c>p</c>) and its device number, for example <c>c:1:5</c>; null otherwise.</param>
public readonly record struct HostEntry(HostEntryKind Kind, int Permissions, FileIdentity Identity, string? Node = null);
