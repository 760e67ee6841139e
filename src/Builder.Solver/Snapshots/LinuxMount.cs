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
    /// <summary>
    /// Mounts overlayfs through the new mount API, one <c>lowerdir+</c> per layer (Linux 6.8+), so a stack of any depth
    /// fits; false when the kernel or libc lacks it (the caller then uses <see cref="MountOverlay"/>).
    /// </summary>
    public static bool TryMountOverlayLayerByLayer(string target, IReadOnlyList<string> lowers, string upper, string work)
    {
        int context;
        try
        {
            context = fsopen("overlay", FsOpenCloexec);
        }
        catch (EntryPointNotFoundException)
        {
            return false; // libc older than 2.36
        }
        if (context < 0) return false;
        try
        {
            foreach (string lower in lowers)
            {
                if (fsconfig(context, FsConfigSetString, "lowerdir+", lower, 0) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == EInval) return false; // a kernel without lowerdir+
                    throw new Win32Exception(errno, $"overlay lower directory {lower}: {new Win32Exception(errno).Message}");
                }
            }
            Check(fsconfig(context, FsConfigSetString, "upperdir", upper, 0), "upperdir", target);
            Check(fsconfig(context, FsConfigSetString, "workdir", work, 0), "workdir", target);
            Check(fsconfig(context, FsConfigCmdCreate, null, null, 0), "create", target);
            int mounted = fsmount(context, FsMountCloexec, 0);
            Check(mounted, "fsmount", target);
            try
            {
                Check(move_mount(mounted, "", AtFdCwd, target, MoveMountFEmptyPath), "move_mount", target);
            }
            finally
            {
                _ = close(mounted);
            }
            return true;
        }
        finally
        {
            _ = close(context);
        }
    }

    private static void Check(int result, string step, string target)
    {
        if (result >= 0) return;
        int errno = Marshal.GetLastPInvokeError();
        throw new Win32Exception(errno, $"mounting overlayfs at {target} failed at {step}: {new Win32Exception(errno).Message}");
    }

    private const uint FsOpenCloexec = 1, FsMountCloexec = 1, FsConfigSetString = 1, FsConfigCmdCreate = 6, MoveMountFEmptyPath = 4;
    private const int AtFdCwd = -100, EInval = 22;

    [DllImport("libc", SetLastError = true)]
    private static extern int fsopen(string filesystemName, uint flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsconfig(int fd, uint command, string? key, string? value, int aux);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsmount(int fd, uint flags, uint attributes);

    [DllImport("libc", SetLastError = true)]
    private static extern int move_mount(int fromDirectory, string fromPath, int toDirectory, string toPath, uint flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

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
