using System.ComponentModel;
using System.Runtime.InteropServices;
using Builder.Filesystem.Native;

namespace Builder.Filesystem;

/// <summary>Sets a path's (or an open file's) numeric owner without following a final symlink (lchown(2), fchown(2)); .NET has no API for it.</summary>
internal static class FileOwnership
{
    /// <exception cref="Win32Exception">The kernel refused.</exception>
    public static void Set(string path, uint uid, uint gid)
    {
        if (LibC.LChown(path, uid, gid) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new Win32Exception(errno, $"chown {uid}:{gid} {path} failed: {new Win32Exception(errno).Message}");
        }
    }

    /// <summary>Sets the owner of the open file <paramref name="file"/> (fchown(2)): no path walked again; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="Win32Exception">The kernel refused.</exception>
    public static void Set(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path, uint uid, uint gid)
    {
        if (LibC.FChown(file, uid, gid) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new Win32Exception(errno, $"chown {uid}:{gid} {path} failed: {new Win32Exception(errno).Message}");
        }
    }
}
