using System.Runtime.InteropServices;

namespace Builder.Filesystem.Native;

/// <summary>
/// Every libc function the engine calls, in one place, as source-generated <see cref="LibraryImportAttribute"/>
/// stubs so the NativeAOT CLI needs no runtime marshalling. Strings are UTF-8 (Linux paths are bytes); each call
/// records errno for <see cref="Marshal.GetLastPInvokeError"/>. The typed wrappers that turn a failure into an
/// exception live with their users (<see cref="FileOwnership"/>, the solver's <c>LinuxMount</c>, the cache's
/// <c>FileLock</c> and <c>LinuxFileSystem</c>). Constants are Linux's (asm-generic), the same on x64 and arm64.
/// </summary>
internal static partial class LibC
{
    private const string Library = "libc";

    // errno values (asm-generic/errno-base.h)
    public const int EPERM = 1, ENOENT = 2, EINTR = 4, EWOULDBLOCK = 11, EACCES = 13, EEXIST = 17, EXDEV = 18, ENOTDIR = 20, EINVAL = 22, EMLINK = 31, ERANGE = 34, ENODATA = 61;

    // fcntl.h: open flags, AT_* and flock operations
    public const int O_RDONLY = 0x0, O_WRONLY = 0x1, O_RDWR = 0x2, O_CREAT = 0x40, O_EXCL = 0x80, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;
    public const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100;
    public const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4;

    // sys/mount.h and linux/mount.h (the new mount API)
    public const int MNT_DETACH = 2;
    public const uint FSOPEN_CLOEXEC = 1, FSMOUNT_CLOEXEC = 1, FSCONFIG_SET_FLAG = 0, FSCONFIG_SET_STRING = 1, FSCONFIG_CMD_CREATE = 6;
    public const uint MOVE_MOUNT_F_EMPTY_PATH = 4;

    // linux/stat.h: utimensat's "leave this time as it is"
    public const long UTIME_OMIT = (1L << 30) - 2;

    // linux/stat.h: STATX_BASIC_STATS
    public const uint STATX_BASIC_STATS = 0x7ff;

    [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, Span<byte> buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, ReadOnlySpan<byte> buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "fchown", SetLastError = true)]
    public static partial int FChown(int fd, uint owner, uint group);

    [LibraryImport(Library, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int FChmod(int fd, uint mode);

    [LibraryImport(Library, EntryPoint = "futimens", SetLastError = true)]
    public static partial int FUTimens(int fd, ReadOnlySpan<long> times);

    [LibraryImport(Library, EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport(Library, EntryPoint = "syncfs", SetLastError = true)]
    public static partial int Syncfs(int fd);

    [LibraryImport(Library, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport(Library, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Statx(int dirfd, string pathname, int flags, uint mask, Span<byte> buffer);

    [LibraryImport(Library, EntryPoint = "llistxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint LListXattr(string path, Span<byte> list, nuint size);

    [LibraryImport(Library, EntryPoint = "lgetxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint LGetXattr(string path, string name, Span<byte> value, nuint size);

    [LibraryImport(Library, EntryPoint = "lsetxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int LSetXattr(string path, string name, ReadOnlySpan<byte> value, nuint size, int flags);

    [LibraryImport(Library, EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int LChown(string path, uint owner, uint group);

    [LibraryImport(Library, EntryPoint = "fchown", SetLastError = true)]
    public static partial int FChown(SafeHandle fd, uint owner, uint group);

    [LibraryImport(Library, EntryPoint = "chmod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Chmod(string path, uint mode);

    [LibraryImport(Library, EntryPoint = "mknod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int MkNod(string path, uint mode, ulong dev);

    [LibraryImport(Library, EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Link(string oldpath, string newpath);

    [LibraryImport(Library, EntryPoint = "utimensat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int UTimeNsAt(int dirfd, string path, ReadOnlySpan<long> times, int flags);

    [LibraryImport(Library, EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Mount(string source, string target, string filesystemType, ulong flags, string data);

    [LibraryImport(Library, EntryPoint = "umount2", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int UMount2(string target, int flags);

    /// <remarks>glibc 2.36 and later; older ones throw <see cref="EntryPointNotFoundException"/> on the first call.</remarks>
    [LibraryImport(Library, EntryPoint = "fsopen", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int FsOpen(string filesystemName, uint flags);

    [LibraryImport(Library, EntryPoint = "fsconfig", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int FsConfig(int fd, uint command, string? key, string? value, int aux);

    [LibraryImport(Library, EntryPoint = "fsmount", SetLastError = true)]
    public static partial int FsMount(int fd, uint flags, uint attributes);

    [LibraryImport(Library, EntryPoint = "move_mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int MoveMount(int fromDirectory, string fromPath, int toDirectory, string toPath, uint flags);

    // dirent.h: a directory read as getdents gives it, each entry's type from the directory itself (no lstat).
    public const byte DT_UNKNOWN = 0, DT_DIR = 4, DT_LNK = 10;

    [LibraryImport(Library, EntryPoint = "opendir", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint OpenDir(string path);

    // struct dirent64 (glibc, x64 and arm64): d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name (NUL-terminated).
    [LibraryImport(Library, EntryPoint = "readdir64", SetLastError = true)]
    public static partial nint ReadDir64(nint directory);

    [LibraryImport(Library, EntryPoint = "closedir", SetLastError = true)]
    public static partial int CloseDir(nint directory);
}
