namespace Builder.Cache.Images;

/// <summary>The bytes one kind of the store's contents takes on disk (<c>imgbuild du</c>'s breakdown).</summary>
/// <param name="Kind">The store folder (<c>blobs</c>, <c>layers</c>, <c>rootfs</c>, <c>work</c>, <c>cache-mounts</c>, …), or <c>other</c> for the files beside them.</param>
/// <param name="Bytes">The apparent size of every entry under it (files, directories, links), each hard-linked file once.</param>
/// <param name="Entries">How many entries were counted.</param>
public sealed record StoreFolderUsage(string Kind, long Bytes, long Entries);
