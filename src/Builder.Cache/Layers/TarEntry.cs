namespace Builder.Cache.Layers;

/// <summary>
/// One member of a layer tar as the writer emits it and the applier reads it. <see cref="Name"/> is relative,
/// uses '/' and ends in '/' for a directory; <see cref="Mode"/> holds the permission, setuid, setgid and sticky
/// bits only, as Go's archive/tar does.
/// </summary>
internal sealed record TarEntry(string Name, TarEntryType Type)
{
    public long Mode { get; init; }
    public long Uid { get; init; }
    public long Gid { get; init; }
    public long Size { get; init; }
    public long MTimeSeconds { get; init; }
    public string LinkName { get; init; } = "";
    public long DeviceMajor { get; init; }
    public long DeviceMinor { get; init; }

    /// <summary>Extended attributes, written as PAX records <c>SCHILY.xattr.&lt;name&gt;</c> in name order.</summary>
    public IReadOnlyDictionary<string, byte[]> Xattrs { get; init; } =
        new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
}
