using System.Buffers.Binary;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;
using Builder.Filesystem.Native;

namespace Builder.Cache.Layers;

/// <summary>
/// The few libc calls .NET does not offer: statx (uid, gid, inode, rdev), the l*xattr family, lchown, mknod,
/// link and utimensat. Every call reports failure as a <see cref="IOException"/> naming the path and errno text.
/// </summary>
internal static class LinuxFileSystem
{
    public static FileStatus? TryLStat(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        if (LibC.Statx(LibC.AT_FDCWD, path, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.ENOENT || errno == LibC.ENOTDIR)
                return null;
            throw Failure("statx", path, errno);
        }
        // struct statx, include/uapi/linux/stat.h: offsets are the same on every architecture.
        ReadOnlySpan<byte> b = buffer;
        return new FileStatus(
            Mode: BinaryPrimitives.ReadUInt16LittleEndian(b[28..]),
            Uid: BinaryPrimitives.ReadUInt32LittleEndian(b[20..]),
            Gid: BinaryPrimitives.ReadUInt32LittleEndian(b[24..]),
            Inode: BinaryPrimitives.ReadUInt64LittleEndian(b[32..]),
            DeviceMajor: BinaryPrimitives.ReadUInt32LittleEndian(b[136..]),
            DeviceMinor: BinaryPrimitives.ReadUInt32LittleEndian(b[140..]),
            Links: BinaryPrimitives.ReadUInt32LittleEndian(b[16..]),
            Size: (long)BinaryPrimitives.ReadUInt64LittleEndian(b[40..]),
            MTimeSeconds: BinaryPrimitives.ReadInt64LittleEndian(b[112..]),
            MTimeNanoseconds: BinaryPrimitives.ReadUInt32LittleEndian(b[120..]),
            RDevMajor: BinaryPrimitives.ReadUInt32LittleEndian(b[128..]),
            RDevMinor: BinaryPrimitives.ReadUInt32LittleEndian(b[132..]),
            CTimeSeconds: BinaryPrimitives.ReadInt64LittleEndian(b[96..]));
    }

    public static FileStatus LStat(string path) =>
        TryLStat(path) ?? throw new FileNotFoundException($"'{path}' does not exist", path);

    /// <summary>All extended attributes of <paramref name="path"/> (not following a symlink), sorted by name.</summary>
    public static SortedDictionary<string, byte[]> ListXattrs(string path)
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        byte[] names = new byte[1024];
        long length;
        while ((length = LibC.LListXattr(path, names, (nuint)names.Length)) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != LibC.ERANGE)
                throw Failure("llistxattr", path, errno);
            names = new byte[names.Length * 4];
        }
        int start = 0;
        for (int i = 0; i < length; i++)
        {
            if (names[i] != 0)
                continue;
            string name = Encoding.UTF8.GetString(names, start, i - start);
            start = i + 1;
            if (GetXattr(path, name) is { } value)
                result[name] = value;
        }
        return result;
    }

    private static byte[]? GetXattr(string path, string name)
    {
        byte[] value = new byte[256];
        while (true)
        {
            long length = LibC.LGetXattr(path, name, value, (nuint)value.Length);
            if (length >= 0)
                return value[..(int)length];
            int errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.ENODATA)
                return null; // removed between list and get
            if (errno != LibC.ERANGE)
                throw Failure($"lgetxattr {name}", path, errno);
            value = new byte[value.Length * 16];
        }
    }

    public static void SetXattr(string path, string name, byte[] value)
    {
        if (LibC.LSetXattr(path, name, value, (nuint)value.Length, 0) != 0)
            throw Failure($"lsetxattr {name}", path, Marshal.GetLastPInvokeError());
    }

    public static void LChown(string path, long uid, long gid)
    {
        if (LibC.LChown(path, (uint)uid, (uint)gid) != 0)
            throw Failure("lchown", path, Marshal.GetLastPInvokeError());
    }

    public static void Chmod(string path, uint mode)
    {
        if (LibC.Chmod(path, mode) != 0)
            throw Failure("chmod", path, Marshal.GetLastPInvokeError());
    }

    public static void MkNod(string path, uint mode, long major, long minor)
    {
        // makedev() of glibc's sys/sysmacros.h.
        ulong maj = (ulong)major, min = (ulong)minor;
        ulong dev = ((maj & 0xfffff000UL) << 32) | ((maj & 0xfffUL) << 8) | ((min & 0xffffff00UL) << 12) | (min & 0xffUL);
        if (LibC.MkNod(path, mode, dev) != 0)
            throw Failure("mknod", path, Marshal.GetLastPInvokeError());
    }

    public static void Link(string existing, string newPath)
    {
        if (LibC.Link(existing, newPath) != 0)
            throw Failure($"link to '{existing}'", newPath, Marshal.GetLastPInvokeError());
    }

    /// <summary>Sets atime and mtime to <paramref name="seconds"/>, on a symlink itself rather than its target.</summary>
    public static void SetTimes(string path, long seconds, long nanoseconds)
    {
        ReadOnlySpan<long> times = [seconds, nanoseconds, seconds, nanoseconds];
        if (LibC.UTimeNsAt(LibC.AT_FDCWD, path, times, LibC.AT_SYMLINK_NOFOLLOW) != 0)
            throw Failure("utimensat", path, Marshal.GetLastPInvokeError());
    }

    // HResult carries errno, for callers that handle one (HostFiles.TryHardLink).
    private static IOException Failure(string call, string path, int errno) =>
        new($"{call} '{path}' failed: {new Win32Exception(errno).Message} (errno {errno})", errno);
}
