using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Builder.Filesystem;

/// <summary>Sets a path's numeric owner without following a final symlink (lchown(2)); .NET has no API for it.</summary>
internal static class FileOwnership
{
    /// <exception cref="Win32Exception">The kernel refused.</exception>
    public static void Set(string path, uint uid, uint gid)
    {
        if (lchown(path, uid, gid) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new Win32Exception(errno, $"chown {uid}:{gid} {path} failed: {new Win32Exception(errno).Message}");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int lchown(string path, uint owner, uint group);
}
