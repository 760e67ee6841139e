using System.ComponentModel;
using System.Runtime.InteropServices;
using Builder.Filesystem.Native;

namespace Builder.Solver.Snapshots;

/// <summary>mount(2) and umount2(2), which overlay snapshots need (as root).</summary>
internal static class LinuxMount
{
    /// <summary>Mounts an overlay filesystem at <paramref name="target"/> with <paramref name="options"/> (<c>lowerdir=…,upperdir=…,workdir=…</c>).</summary>
    /// <exception cref="Win32Exception">The kernel refused; the message has its reason.</exception>
    public static void MountOverlay(string target, string options)
    {
        if (LibC.Mount("overlay", target, "overlay", 0, options) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new Win32Exception(errno, $"mount -t overlay at {target} failed: {new Win32Exception(errno).Message}");
        }
    }

    /// <summary>
    /// Mounts a new tmpfs at <paramref name="target"/> with <paramref name="options"/> (<c>mode=0700,size=…</c>), and
    /// <c>noswap</c> (Linux 6.4+) where the kernel has it, so what it holds stays in RAM and never reaches a disk.
    /// </summary>
    /// <exception cref="Win32Exception">The kernel refused; the message has its reason.</exception>
    public static void MountTmpfs(string target, string options)
    {
        if (LibC.Mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, options + ",noswap") == 0) return;
        if (Marshal.GetLastPInvokeError() == LibC.EINVAL && LibC.Mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, options) == 0) return;
        int errno = Marshal.GetLastPInvokeError();
        throw new Win32Exception(errno, $"mount -t tmpfs at {target} failed: {new Win32Exception(errno).Message}");
    }

    // sys/mount.h
    private const ulong MS_NOSUID = 2, MS_NODEV = 4;

    /// <summary>
    /// Mounts overlayfs through the new mount API, one <c>lowerdir+</c> per layer (Linux 6.8+), so a stack of any depth
    /// fits; false when the kernel or libc lacks it (the caller then uses <see cref="MountOverlay"/>).
    /// </summary>
    public static bool TryMountOverlayLayerByLayer(string target, IReadOnlyList<string> lowers, string upper, string work, bool isVolatile = false)
    {
        int context;
        try
        {
            context = LibC.FsOpen("overlay", LibC.FSOPEN_CLOEXEC);
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
                if (LibC.FsConfig(context, LibC.FSCONFIG_SET_STRING, "lowerdir+", lower, 0) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == LibC.EINVAL) return false; // a kernel without lowerdir+
                    throw new Win32Exception(errno, $"overlay lower directory {lower}: {new Win32Exception(errno).Message}");
                }
            }
            Check(LibC.FsConfig(context, LibC.FSCONFIG_SET_STRING, "upperdir", upper, 0), "upperdir", target);
            Check(LibC.FsConfig(context, LibC.FSCONFIG_SET_STRING, "workdir", work, 0), "workdir", target);
            if (isVolatile) Check(LibC.FsConfig(context, LibC.FSCONFIG_SET_FLAG, "volatile", null, 0), "volatile", target);
            Check(LibC.FsConfig(context, LibC.FSCONFIG_CMD_CREATE, null, null, 0), "create", target);
            int mounted = LibC.FsMount(context, LibC.FSMOUNT_CLOEXEC, 0);
            Check(mounted, "fsmount", target);
            try
            {
                Check(LibC.MoveMount(mounted, "", LibC.AT_FDCWD, target, LibC.MOVE_MOUNT_F_EMPTY_PATH), "move_mount", target);
            }
            finally
            {
                _ = LibC.Close(mounted);
            }
            return true;
        }
        finally
        {
            _ = LibC.Close(context);
        }
    }

    private static void Check(int result, string step, string target)
    {
        if (result >= 0) return;
        int errno = Marshal.GetLastPInvokeError();
        throw new Win32Exception(errno, $"mounting overlayfs at {target} failed at {step}: {new Win32Exception(errno).Message}");
    }

    /// <summary>Unmounts <paramref name="target"/> lazily (MNT_DETACH), so a process that still holds it open cannot block cleanup.</summary>
    public static void Unmount(string target)
    {
        if (LibC.UMount2(target, LibC.MNT_DETACH) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new Win32Exception(errno, $"umount {target} failed: {new Win32Exception(errno).Message}");
        }
    }
}
