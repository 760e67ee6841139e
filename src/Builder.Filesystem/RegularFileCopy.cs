using System.ComponentModel;
using System.Runtime.InteropServices;
using Builder.Filesystem.Native;

namespace Builder.Filesystem;

/// <summary>
/// Copies a regular file into a new file with the fewest system calls: open both, read and write (once each for a
/// file that fits the buffer), then owner, mode and modification time through the open copy, in fsutil's
/// copyFileInfo order (chown first: it clears setuid and setgid). .NET's <see cref="FileStream"/> adds an fstat per
/// open, an lseek per write, a read to see the end and an fstat to keep the access time; on a COPY of thousands of
/// small files those were half of its system calls. Its raw open and read serve the layer writer's read-back too.
/// </summary>
internal static class RegularFileCopy
{
    /// <summary>Called with each piece of the content as it is read, in order (to hash what was copied).</summary>
    public delegate void ContentRead(ReadOnlySpan<byte> content);

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="target"/>, which must not exist, and gives the copy
    /// <paramref name="owner"/>, <paramref name="mode"/> (permission bits with setuid, setgid and sticky) and the
    /// modification time <paramref name="modifiedNanoseconds"/> (the access time is left as the copy made it).
    /// </summary>
    /// <param name="source">The file to copy.</param>
    /// <param name="target">The new file.</param>
    /// <param name="buffer">Where the content is read; when it is larger than the content, the whole content is left there.</param>
    /// <param name="read">Called with each piece read, or null.</param>
    /// <param name="owner">The copy's numeric owner.</param>
    /// <param name="mode">The copy's mode bits.</param>
    /// <param name="modifiedNanoseconds">The copy's modification time, nanoseconds since the Unix epoch.</param>
    /// <returns>The number of bytes copied; the content is <c>buffer[..length]</c> when that is less than the buffer's length.</returns>
    /// <exception cref="FileNotFoundException">The source does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">The source cannot be read or the target cannot be made.</exception>
    /// <exception cref="IOException">The target exists, or a read, write, chown, chmod or utimensat failed.</exception>
    public static long Copy(string source, string target, Span<byte> buffer, ContentRead? read, (uint Uid, uint Gid) owner,
        int mode, long modifiedNanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfZero(buffer.Length);
        int input = OpenForReading(source);
        try
        {
            int output = Open(target, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC, Convert.ToInt32("666", 8));
            try
            {
                long total = 0;
                int filled = 0;
                while (true)
                {
                    if (filled == buffer.Length) filled = 0; // larger than the buffer: streamed through it
                    Span<byte> room = buffer[filled..];
                    int count = Read(input, room, source);
                    if (count == 0) break;
                    Span<byte> piece = room[..count];
                    read?.Invoke(piece);
                    Write(output, piece, target);
                    filled += count;
                    total += count;
                    // A short read of a regular file is its end (read(2)): no further read to see 0.
                    if (count < room.Length) break;
                }
                if (LibC.FChown(output, owner.Uid, owner.Gid) != 0) throw Failure($"chown {owner.Uid}:{owner.Gid}", target);
                if (LibC.FChmod(output, (uint)mode) != 0) throw Failure("chmod", target);
                ReadOnlySpan<long> times = [0, LibC.UTIME_OMIT, modifiedNanoseconds / 1_000_000_000, modifiedNanoseconds % 1_000_000_000];
                if (LibC.FUTimens(output, times) != 0) throw Failure("utimensat", target);
                return total;
            }
            finally
            {
                _ = LibC.Close(output);
            }
        }
        finally
        {
            _ = LibC.Close(input);
        }
    }

    /// <summary>Opens <paramref name="path"/> for reading with open(2) alone (.NET's handles add an fstat, and an fadvise for a sequential scan).</summary>
    /// <exception cref="FileNotFoundException">It does not exist.</exception>
    /// <exception cref="UnauthorizedAccessException">It cannot be read.</exception>
    public static int OpenForReading(string path) => Open(path, LibC.O_RDONLY | LibC.O_CLOEXEC, 0);

    /// <summary>Closes a file opened with <see cref="OpenForReading"/>.</summary>
    public static void Close(int fd) => _ = LibC.Close(fd);

    private static int Open(string path, int flags, int mode)
    {
        while (true)
        {
            int fd = LibC.Open(path, flags, mode);
            if (fd >= 0) return fd;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.EINTR) continue;
            throw errno switch
            {
                LibC.ENOENT when (flags & LibC.O_CREAT) == 0 => new FileNotFoundException($"Could not find file '{path}'.", path),
                LibC.EACCES or LibC.EPERM => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
                LibC.EEXIST => new IOException($"The file '{path}' already exists.", errno),
                _ => Failure("open", path, errno),
            };
        }
    }

    /// <summary>Reads from the current offset of <paramref name="fd"/>, opened from <paramref name="path"/> (named in errors); 0 at its end.</summary>
    public static int Read(int fd, Span<byte> buffer, string path)
    {
        while (true)
        {
            nint count = LibC.Read(fd, buffer, (nuint)buffer.Length);
            if (count >= 0) return (int)count;
            int errno = Marshal.GetLastPInvokeError();
            if (errno != LibC.EINTR) throw Failure("read", path, errno);
        }
    }

    private static void Write(int fd, ReadOnlySpan<byte> content, string path)
    {
        while (content.Length > 0)
        {
            nint count = LibC.Write(fd, content, (nuint)content.Length);
            if (count >= 0)
            {
                content = content[(int)count..];
                continue;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno != LibC.EINTR) throw Failure("write", path, errno);
        }
    }

    private static IOException Failure(string call, string path) => Failure(call, path, Marshal.GetLastPInvokeError());

    // HResult carries errno, as in the IOExceptions .NET itself throws on Linux (callers recognise ENOSPC by it).
    private static IOException Failure(string call, string path, int errno) =>
        new($"{call} {path} failed: {new Win32Exception(errno).Message}", errno);
}
