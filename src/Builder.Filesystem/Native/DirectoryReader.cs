using System.Runtime.InteropServices;
using System.Text;

namespace Builder.Filesystem.Native;

/// <summary>
/// Reads a directory's entries with their types as the directory records them (readdir's <c>d_type</c>), so listing
/// a tree of thousands of files costs one getdents per directory rather than an lstat and a readlink per entry.
/// An entry whose type the file system does not record (<c>DT_UNKNOWN</c>) is lstat'ed.
/// </summary>
internal static class DirectoryReader
{
    /// <summary>What an entry is, from its directory.</summary>
    public enum EntryType
    {
        /// <summary>A regular file, device, fifo or socket: anything but a directory or a link.</summary>
        Other,

        /// <summary>A directory.</summary>
        Directory,

        /// <summary>A symbolic link (never followed).</summary>
        SymbolicLink,
    }

    private const int NameOffset = 19, TypeOffset = 18;

    /// <summary>The entries of <paramref name="path"/> (without "." and ".."), in the order the directory gives them.</summary>
    /// <exception cref="UnauthorizedAccessException">The directory cannot be read.</exception>
    /// <exception cref="DirectoryNotFoundException">It does not exist, or is not a directory.</exception>
    /// <exception cref="IOException">Another error.</exception>
    public static List<(string Name, EntryType Type)> Read(string path)
    {
        nint directory = LibC.OpenDir(path);
        if (directory == 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                LibC.EACCES => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
                LibC.ENOENT or LibC.ENOTDIR => new DirectoryNotFoundException($"Could not find a part of the path '{path}'."),
                _ => new IOException($"cannot read directory '{path}': {Marshal.GetPInvokeErrorMessage(errno)}"),
            };
        }
        try
        {
            var entries = new List<(string, EntryType)>();
            while (true)
            {
                Marshal.SetLastPInvokeError(0);
                nint entry = LibC.ReadDir64(directory);
                if (entry == 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != 0) throw new IOException($"cannot read directory '{path}': {Marshal.GetPInvokeErrorMessage(errno)}");
                    return entries;
                }
                string name = NameOf(entry);
                if (name is "." or "..") continue;
                byte type = Marshal.ReadByte(entry, TypeOffset);
                entries.Add((name, type switch
                {
                    LibC.DT_DIR => EntryType.Directory,
                    LibC.DT_LNK => EntryType.SymbolicLink,
                    LibC.DT_UNKNOWN => TypeByLStat(Path.Combine(path, name)),
                    _ => EntryType.Other,
                }));
            }
        }
        finally
        {
            LibC.CloseDir(directory);
        }
    }

    private static unsafe string NameOf(nint entry)
    {
        byte* name = (byte*)entry + NameOffset;
        return Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name));
    }

    // A file system without d_type (some network and old ones): what the entry itself is.
    private static EntryType TypeByLStat(string path)
    {
        var info = new FileInfo(path);
        return info.Attributes.HasFlag(FileAttributes.ReparsePoint) ? EntryType.SymbolicLink
            : info.Attributes.HasFlag(FileAttributes.Directory) ? EntryType.Directory
            : EntryType.Other;
    }
}
