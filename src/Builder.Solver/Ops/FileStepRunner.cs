using Builder.Cache.Layers;
using Builder.Filesystem;
using Builder.Graph;
using Builder.Solver.Context;
using Builder.Solver.Snapshots;

namespace Builder.Solver.Ops;

/// <summary>
/// Runs a <see cref="FileStep"/> (WORKDIR's mkdir, heredoc files, removals) on a snapshot of its input, with paths
/// resolved inside the root filesystem and owners resolved through the image's passwd and group files; the changes
/// become a layer like a RUN's. Copies (COPY, ADD of local files) follow <see cref="CopyActionRunner"/>.
/// </summary>
public sealed class FileStepRunner(ISnapshotter snapshotter, SnapshotCommitter committer, string workRoot)
{
    /// <summary>
    /// Applies <paramref name="step"/>'s actions on the filesystem of its input 0; copies read from the inputs they
    /// name (each given as its lower directories, top first, or as a build context read in place).
    /// </summary>
    /// <param name="step">The step.</param>
    /// <param name="inputDirectories">Each input's lower directories, top first.</param>
    /// <param name="contexts">For each input, the build context copies read in place instead of its directories, or null.</param>
    /// <param name="layerOptions">How the new layer is written.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    /// <exception cref="NotSupportedException">An option builds do not run yet (see <see cref="CopyActionRunner"/>).</exception>
    /// <exception cref="IOException">An action failed: a missing path without AllowNotFound, a file where a directory is needed.</exception>
    public async Task<CommittedLayer> RunAsync(FileStep step, IReadOnlyList<IReadOnlyList<string>> inputDirectories,
        IReadOnlyList<SelectedContext?> contexts, LayerWriteOptions layerOptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(inputDirectories);
        Directory.CreateDirectory(workRoot);
        using Snapshot snapshot = snapshotter.Create(inputDirectories[0], workRoot);
        string root = snapshot.RootFilesystem;
        var sources = new Dictionary<int, Snapshot>();
        try
        {
            await ApplyAsync(step, inputDirectories, contexts, root, snapshot.ChangesDirectory, sources, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (Snapshot source in sources.Values) source.Dispose();
        }
        return committer.Commit(snapshot, layerOptions);
    }

    private async Task ApplyAsync(FileStep step, IReadOnlyList<IReadOnlyList<string>> inputDirectories,
        IReadOnlyList<SelectedContext?> contexts, string root, string? changes,
        Dictionary<int, Snapshot> sources, CancellationToken cancellationToken)
    {
        // Owner names are looked up in the step's input as it was before any action, as BuildKit reads them from
        // the action's base input (ChownOpt's input index), and a missing /etc/passwd fails before anything is written.
        var owners = new Dictionary<FileOwner, (uint Uid, uint Gid)>();
        foreach (FileOwner owner in step.Actions.Select(OwnerOf).OfType<FileOwner>().Distinct())
            owners[owner] = FileOwnerResolver.Resolve(owner, root);
        (uint Uid, uint Gid)? Owner(FileOwner? owner) => owner is null ? null : owners[owner];

        foreach (FileAction action in step.Actions)
        {
            switch (action)
            {
                case MkdirAction mkdir:
                    Mkdir(root, mkdir, Owner(mkdir.Owner));
                    break;
                case MkfileAction mkfile:
                    string file = RootedPath.Resolve(root, mkfile.Path);
                    await File.WriteAllBytesAsync(file, [.. mkfile.Data], cancellationToken).ConfigureAwait(false);
                    SetOwner(file, Owner(mkfile.Owner)); // before the mode: chown clears setuid and setgid
                    SetMode(file, mkfile.Mode);
                    break;
                case RmAction rm:
                    Remove(root, rm);
                    break;
                case CopyAction copy:
                    SelectedContext? context = copy.SourceInput < contexts.Count ? contexts[copy.SourceInput] : null;
                    string sourceRoot = context?.Root ?? SourceRoot(copy.SourceInput, inputDirectories, sources);
                    await CopyActionRunner.ApplyAsync(copy, sourceRoot, context, root, Owner(copy.Owner), cancellationToken, changes).ConfigureAwait(false);
                    break;
                default:
                    throw new NotSupportedException($"not supported yet: file action {action.GetType().Name}");
            }
        }
    }

    // A source that is one directory (a build context, a base image) is read in place; a stack of layers is read
    // through a snapshot of its own, which is thrown away.
    private string SourceRoot(int input, IReadOnlyList<IReadOnlyList<string>> inputDirectories, Dictionary<int, Snapshot> sources)
    {
        IReadOnlyList<string> lowers = inputDirectories[input];
        if (lowers.Count == 1) return lowers[0];
        if (!sources.TryGetValue(input, out Snapshot? snapshot))
        {
            snapshot = snapshotter.Create(lowers, workRoot);
            sources[input] = snapshot;
        }
        return snapshot.RootFilesystem;
    }

    private static FileOwner? OwnerOf(FileAction action) => action switch
    {
        MkdirAction mkdir => mkdir.Owner,
        MkfileAction mkfile => mkfile.Owner,
        CopyAction copy => copy.Owner,
        _ => null,
    };

    private static void Mkdir(string root, MkdirAction mkdir, (uint Uid, uint Gid)? owner)
    {
        string target = RootedPath.Resolve(root, mkdir.Path);
        if (Directory.Exists(target)) return;
        string parent = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(parent))
        {
            if (!mkdir.MakeParents) throw new IOException($"mkdir {mkdir.Path}: its parent directory does not exist");
            // BuildKit creates missing parents with mode 0755 and the same owner as the directory.
            Mkdir(root, mkdir with { Path = Path.GetDirectoryName(mkdir.Path.TrimEnd('/'))!, Mode = Convert.ToInt32("755", 8) }, owner);
        }
        Directory.CreateDirectory(target);
        SetOwner(target, owner);
        SetMode(target, mkdir.Mode);
    }

    private static void Remove(string root, RmAction rm)
    {
        string target = RootedPath.Resolve(root, rm.Path);
        if (Directory.Exists(target) && new FileInfo(target).LinkTarget is null) Directory.Delete(target, recursive: true);
        else if (File.Exists(target) || new FileInfo(target).LinkTarget is not null) File.Delete(target);
        else if (!rm.AllowNotFound) throw new IOException($"rm {rm.Path}: no such file or directory");
    }

    // The solver runs on Linux only (runc, overlayfs); the guard satisfies the platform analyzer.
    private static void SetMode(string path, int mode)
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)mode);
    }

    private static void SetOwner(string path, (uint Uid, uint Gid)? owner)
    {
        if (owner is { } ids) FileOwnership.Set(path, ids.Uid, ids.Gid);
    }
}
