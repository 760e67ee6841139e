namespace Builder.Solver.Snapshots;

/// <summary>
/// Snapshots as overlayfs mounts: the layers are shared read-only lower directories, and a step's changes land in
/// its own upper directory, which becomes the step's layer without comparing trees.
/// </summary>
/// <param name="volatileMounts">
/// Mount with overlayfs's <c>volatile</c> option (Linux 5.10+; Documentation/filesystems/overlayfs.rst): unmounting
/// then does not sync the whole upper file system, which on a large COPY costs as much as the copy. For a store whose
/// <c>UnflushedWrites</c> window is open; a kernel without the option gets ordinary mounts.
/// </param>
/// <param name="cleanup">
/// Where an ended snapshot's working folder is deleted: in the background through a build's <see cref="SnapshotCleanup"/>,
/// or, without one, before <see cref="Snapshot.Commit"/> or <see cref="Snapshot.Dispose()"/> returns.
/// </param>
public sealed class OverlaySnapshotter(bool volatileMounts = false, SnapshotCleanup? cleanup = null) : ISnapshotter
{
    // Cleared the first time the kernel refuses "volatile".
    private static bool s_kernelTakesVolatile = true;

    private bool Volatile => volatileMounts && s_kernelTakesVolatile;

    /// <inheritdoc />
    public string Name => "overlayfs";

    /// <inheritdoc />
    public Snapshot Create(IReadOnlyList<string> lowerDirectories, string workRoot)
    {
        ArgumentNullException.ThrowIfNull(lowerDirectories);
        string directory = Path.Combine(workRoot, "snapshot-" + Guid.NewGuid().ToString("N"));
        string upper = Path.Combine(directory, "upper"), work = Path.Combine(directory, "work"), merged = Path.Combine(directory, "merged");
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(merged);
        // overlayfs needs at least one lower directory; scratch gets an empty one.
        // A layer may appear twice (two steps with identical changes, such as two WORKDIRs of existing directories);
        // overlayfs refuses a repeated lower directory (ELOOP). The topmost copy shadows the other, so it alone is kept.
        IReadOnlyList<string> lowers = lowerDirectories.Count > 0
            ? [.. lowerDirectories.Distinct(StringComparer.Ordinal)]
            : [Directory.CreateDirectory(Path.Combine(directory, "empty")).FullName];
        string options = Options(lowers, upper, work, Volatile);
        if (options.Length > MaxOptionsLength && TryMountLayerByLayer(directory, merged, lowers, upper, work, Volatile))
            return new OverlaySnapshot(directory, merged, upper, lowerDirectories, cleanup);
        if (options.Length > MaxOptionsLength)
        {
            // The whole option string must fit in one page: deep stacks name their layers through short links.
            lowers = [.. lowers.Select(lower => ShortLink(workRoot, lower))];
            options = Options(lowers, upper, work, Volatile);
            if (options.Length > MaxOptionsLength)
            {
                Directory.Delete(directory, recursive: true);
                throw new NotSupportedException($"not supported yet: a stack of {lowers.Count} layers (overlayfs takes them in one mount option of at most {MaxOptionsLength} bytes)");
            }
        }
        try
        {
            MountOverlay(merged, options);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
        return new OverlaySnapshot(directory, merged, upper, lowerDirectories, cleanup);
    }

    private static void MountOverlay(string merged, string options)
    {
        try
        {
            LinuxMount.MountOverlay(merged, options);
        }
        catch (System.ComponentModel.Win32Exception e) when (e.NativeErrorCode == Filesystem.Native.LibC.EINVAL && options.EndsWith(VolatileOption, StringComparison.Ordinal))
        {
            // A kernel older than 5.10 does not know the option: mount as before, and stop asking.
            s_kernelTakesVolatile = false;
            LinuxMount.MountOverlay(merged, options[..^VolatileOption.Length]);
        }
    }

    private const string VolatileOption = ",volatile";

    // A stack too deep for one page of options: the new mount API takes one lower directory per call.
    private static bool TryMountLayerByLayer(string directory, string merged, IReadOnlyList<string> lowers, string upper, string work, bool isVolatile)
    {
        try
        {
            return LinuxMount.TryMountOverlayLayerByLayer(merged, lowers, upper, work, isVolatile);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    // mount(2) copies one page of options; keep a margin below 4096 bytes.
    private const int MaxOptionsLength = 4000;

    private static string Options(IEnumerable<string> lowers, string upper, string work, bool isVolatile) =>
        $"lowerdir={string.Join(':', lowers.Select(Escape))},upperdir={Escape(upper)},workdir={Escape(work)}{(isVolatile ? VolatileOption : "")}";

    // <workRoot>/l/<12 hex digits> → the layer directory, made once (as Docker's overlay2 driver does with its "l" links).
    private static string ShortLink(string workRoot, string target)
    {
        string links = Path.Combine(workRoot, "l");
        Directory.CreateDirectory(links);
        string link = Path.Combine(links, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(target)))[..12]);
        if (new FileInfo(link).LinkTarget is null)
        {
            try
            {
                File.CreateSymbolicLink(link, target);
            }
            catch (IOException) when (new FileInfo(link).LinkTarget is not null)
            {
                // another build made it at the same moment
            }
        }
        return link;
    }

    /// <summary>Whether overlayfs mounts work here (root, a kernel with overlay, a backing filesystem that supports it).</summary>
    /// <exception cref="IOException">The disk holding <paramref name="workRoot"/> (or the temporary directory) is full:
    /// that is not a missing overlayfs, and falling back to copies would only fail later.</exception>
    public static bool IsSupported(string workRoot)
    {
        const int ENOSPC = 28;
        string at = workRoot;
        try
        {
            Directory.CreateDirectory(workRoot);
            // The probe's lower directory is under the work root too (a build's workspace), not in /tmp, so a build
            // killed while probing leaves it where recovery looks.
            string lower = Directory.CreateDirectory(Path.Combine(workRoot, "overlay-probe-" + Guid.NewGuid().ToString("N"))).FullName;
            try
            {
                // The probe is thrown away, so it mounts volatile: unmounting an ordinary overlay syncs the whole file
                // system under the store (tens of milliseconds, more with other writers' dirty pages), and every
                // step that needs a snapshot waits for the probe (issue 12).
                using Snapshot probe = new OverlaySnapshotter(volatileMounts: true).Create([lower], workRoot);
                File.WriteAllText(Path.Combine(probe.RootFilesystem, "probe"), "");
                return true;
            }
            finally
            {
                Directory.Delete(lower, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException { HResult: ENOSPC } or System.ComponentModel.Win32Exception { NativeErrorCode: ENOSPC })
        {
            throw new IOException($"no space left on device at {at}", e);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // overlayfs option values separate with ',' and ':'; both are escaped with a backslash.
    private static string Escape(string path) => path.Replace("\\", "\\\\").Replace(",", "\\,").Replace(":", "\\:");

    private sealed class OverlaySnapshot(string directory, string merged, string upper, IReadOnlyList<string> lowers, SnapshotCleanup? cleanup)
        : Snapshot
    {
        private bool _disposed;

        public override string RootFilesystem => merged;

        public override string? ChangesDirectory => upper;

        public override IReadOnlyList<string> LowerDirectories => lowers;

        public override void Commit(string destination)
        {
            if (_disposed) throw new ObjectDisposedException(nameof(Snapshot));
            LinuxMount.Unmount(merged);
            _disposed = true;
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            Directory.Move(upper, destination);
            DeleteFolder();
        }

        protected override void Dispose(bool disposing)
        {
            if (_disposed) return;
            _disposed = true;
            LinuxMount.Unmount(merged);
            DeleteFolder();
        }

        // Unmounted, and its changes moved away (or dropped): nothing reads the folder again.
        private void DeleteFolder()
        {
            if (cleanup is not null) cleanup.Delete(directory);
            else Directory.Delete(directory, recursive: true);
        }
    }
}
