using System.ComponentModel;
using Builder.Solver.Snapshots;

namespace Builder.Solver.Runtime;

/// <summary>
/// The tmpfs in which a build makes its OCI bundles: each RUN's <c>config.json</c> (which holds
/// <c>--mount=type=secret,env=…</c> values), its secret files, SSH agent sockets and network files. A tmpfs is RAM
/// (mounted <c>noswap</c> where the kernel allows), so secrets never reach the disk, as BuildKit mounts a tmpfs for
/// each secret (solver/llbsolver/mounts/mount.go). It is mounted at the first bundle and unmounted when disposed; a
/// killed build's tmpfs is unmounted, its content gone, when the next build or <c>prune</c> recovers its workspace.
/// </summary>
/// <param name="directory">Where to mount it: a folder of the build's own workspace.</param>
public sealed class BundleTmpfs(string directory) : IDisposable
{
    // Bundles are small (a config, a few secrets of at most hundreds of KB each); the size only caps a runaway.
    private const string Options = "mode=0700,size=64m";

    private readonly Lock _gate = new();
    private bool _mounted;

    /// <summary>The mount point.</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Makes the bundle folder <paramref name="name"/>, mounting the tmpfs first if needed.</summary>
    /// <exception cref="IOException">The tmpfs cannot be mounted (imgbuild runs RUN steps as root).</exception>
    public string CreateBundle(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_gate)
        {
            if (!_mounted)
            {
                System.IO.Directory.CreateDirectory(Directory);
                try
                {
                    LinuxMount.MountTmpfs(Directory, Options);
                }
                catch (Win32Exception e)
                {
                    throw new IOException($"cannot mount the tmpfs that keeps RUN's secrets and runtime configuration off the disk: {e.Message}", e);
                }
                _mounted = true;
            }
        }
        return System.IO.Directory.CreateDirectory(Path.Combine(Directory, name)).FullName;
    }

    /// <summary>Unmounts the tmpfs (everything in it is gone) and removes its mount point.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_mounted) LinuxMount.Unmount(Directory);
            _mounted = false;
            if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
