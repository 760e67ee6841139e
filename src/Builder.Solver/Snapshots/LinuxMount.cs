using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Builder.Solver.Snapshots;

/// <summary>mount(2) and umount2(2), which overlay snapshots need (as root).</summary>
internal static class LinuxMount
{
    private const int MntDetach = 2;

    /// <summary>Mounts an overlay filesystem at <paramref name="target"/> with <paramref name="options"/> (<c>lowerdir=…,upperdir=…,workdir=…</c>).</summary>
    /// <exception cref="Win32Exception">The kernel refused; the message has its reason.</exception>
    public static void MountOverlay(string target, string options)
    {
        if (mount("overlay", target, "overlay", 0, options) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new Win32Exception(errno, $"mount -t overlay at {target} failed: {new Win32Exception(errno).Message}");
        }
    }

    /// <summary>Unmounts <paramref name="target"/> lazily (MNT_DETACH), so a process that still holds it open cannot block cleanup.</summary>
    public static void Unmount(string target)
    {
        if (umount2(target, MntDetach) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new Win32Exception(errno, $"umount {target} failed: {new Win32Exception(errno).Message}");
        }
    }

    // Strings marshal as UTF-8 on Linux.
    [DllImport("libc", SetLastError = true)]
    private static extern int mount(string source, string target, string filesystemType, ulong flags, string data);

    [DllImport("libc", SetLastError = true)]
    private static extern int umount2(string target, int flags);
}
