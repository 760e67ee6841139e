namespace Builder.Cache.Layers;

/// <summary>What <c>statx(2)</c> says about one path, without following a final symlink.</summary>
internal sealed record FileStatus(
    uint Mode, uint Uid, uint Gid, ulong Inode, uint DeviceMajor, uint DeviceMinor, uint Links, long Size,
    long MTimeSeconds, uint MTimeNanoseconds, uint RDevMajor, uint RDevMinor, long CTimeSeconds = 0, uint CTimeNanoseconds = 0)
{
    public const uint TypeMask = 0xF000;
    public const uint TypeSocket = 0xC000;
    public const uint TypeSymlink = 0xA000;
    public const uint TypeRegular = 0x8000;
    public const uint TypeBlock = 0x6000;
    public const uint TypeDirectory = 0x4000;
    public const uint TypeCharacter = 0x2000;
    public const uint TypeFifo = 0x1000;

    public uint Type => Mode & TypeMask;

    /// <summary>Permission bits plus setuid, setgid and sticky: what a tar header's mode field holds.</summary>
    public uint Permissions => Mode & 0xFFF;

    public bool IsDirectory => Type == TypeDirectory;

    public bool IsSymlink => Type == TypeSymlink;

    public bool IsRegular => Type == TypeRegular;

    /// <summary>An overlayfs whiteout: a character device 0/0 (Documentation/filesystems/overlayfs.rst).</summary>
    public bool IsOverlayWhiteout => Type == TypeCharacter && RDevMajor == 0 && RDevMinor == 0;
}
