using Builder.Cache.Layers;
using Builder.Solver.Filesystem;
using Builder.Solver.Graph;
using Builder.Solver.Snapshots;

namespace Builder.Solver.Execution;

/// <summary>
/// Runs one <see cref="ExecStep"/> (a RUN): a snapshot over the lower directories, the process in a runc container
/// as the step's user, in its working directory (created if missing), with its network and security mode; then
/// the snapshot's changes become a layer in the content store and a committed directory for the next steps.
/// </summary>
public sealed class ExecStepRunner(ISnapshotter snapshotter, RuncRuntime runtime, SnapshotCommitter committer, string workRoot)
{
    private const int FailureLines = 10;

    /// <summary>Runs <paramref name="step"/> on <paramref name="lowerDirectories"/> (top first).</summary>
    /// <exception cref="ExecFailedException">The process exited non-zero.</exception>
    /// <exception cref="ContainerUserException">The step's user is not in the image.</exception>
    /// <exception cref="NotSupportedException">The step has <c>RUN --mount</c>s, which builds do not run yet.</exception>
    public async Task<CommittedLayer> RunAsync(ExecStep step, IReadOnlyList<string> lowerDirectories, Action<ContainerOutputLine> output,
        LayerWriteOptions layerOptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(output);
        if (!step.Mounts.IsEmpty)
            throw new NotSupportedException($"not supported yet: RUN --mount (type={step.Mounts[0].GetType().Name.Replace("Mount", "", StringComparison.Ordinal).ToLowerInvariant()}) when building");
        Directory.CreateDirectory(workRoot);
        using Snapshot snapshot = snapshotter.Create(lowerDirectories, workRoot);
        ContainerUser user = ContainerUserResolver.Resolve(step.User, snapshot.RootFilesystem);
        Directory.CreateDirectory(RootedPath.Resolve(snapshot.RootFilesystem, step.WorkingDirectory));
        var spec = new ContainerSpec(snapshot.RootFilesystem, new ContainerProcess(step.Args, step.Env, step.WorkingDirectory, user))
        {
            Network = step.Network == NetworkMode.None ? ContainerNetwork.None : ContainerNetwork.Host,
            Privileged = step.Security == SecurityMode.Insecure,
        };
        var tail = new Queue<string>();
        void Record(ContainerOutputLine line)
        {
            lock (tail)
            {
                tail.Enqueue(line.Text);
                if (tail.Count > FailureLines) tail.Dequeue();
            }
            output(line);
        }
        string id = "imgbuild-" + Guid.NewGuid().ToString("N")[..16];
        string bundle = Path.Combine(workRoot, id);
        int status;
        try
        {
            status = await runtime.RunAsync(id, spec, bundle, Record, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(bundle)) Directory.Delete(bundle, recursive: true);
        }
        if (status != 0) throw new ExecFailedException(step.Args, status, [.. tail]);

        return await committer.CommitAsync(snapshot, layerOptions, cancellationToken).ConfigureAwait(false);
    }
}
