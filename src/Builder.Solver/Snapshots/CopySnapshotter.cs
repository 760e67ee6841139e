using System.Diagnostics;

namespace Builder.Solver.Snapshots;

/// <summary>
/// Snapshots as copied trees, for where overlayfs is not available (not root, or a backing filesystem overlayfs
/// refuses): the lower layers are copied into a fresh directory, and the step's layer is found by comparing it
/// with them. It works the same as <see cref="OverlaySnapshotter"/>, only slower.
/// </summary>
public sealed class CopySnapshotter : ISnapshotter
{
    /// <inheritdoc />
    public string Name => "copy";

    /// <inheritdoc />
    public Snapshot Create(IReadOnlyList<string> lowerDirectories, string workRoot)
    {
        ArgumentNullException.ThrowIfNull(lowerDirectories);
        string directory = Path.Combine(workRoot, "snapshot-" + Guid.NewGuid().ToString("N"));
        string root = Path.Combine(directory, "rootfs");
        Directory.CreateDirectory(root);
        try
        {
            // What this snapshotter commits is a full tree, not an overlay diff, so the top lower directory
            // already holds everything below it.
            if (lowerDirectories.Count > 0)
                CopyTree(lowerDirectories[0], root);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
        return new CopySnapshot(directory, root, lowerDirectories);
    }

    // cp -a keeps owners, modes, links, xattrs, devices and times exactly; .NET's file APIs cannot copy all of those.
    private static void CopyTree(string source, string target)
    {
        var start = new ProcessStartInfo("cp") { RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "-a", "--", source + "/.", target }) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new IOException($"copying {source} into a snapshot failed: {error.Trim()}");
    }

    private sealed class CopySnapshot(string directory, string root, IReadOnlyList<string> lowers) : Snapshot
    {
        public override string RootFilesystem => root;

        public override string? ChangesDirectory => null;

        public override IReadOnlyList<string> LowerDirectories => lowers;

        public override void Commit(string destination)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            Directory.Move(root, destination);
            Directory.Delete(directory, recursive: true);
        }

        protected override void Dispose(bool disposing)
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
