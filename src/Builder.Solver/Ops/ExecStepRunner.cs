using Builder.Solver.Progress;
using Builder.Cache.Layers;
using Builder.Filesystem;
using Builder.Graph;
using Builder.Solver.Mounts;
using Builder.Solver.Runtime;
using Builder.Solver.Snapshots;

namespace Builder.Solver.Ops;

/// <summary>
/// Runs one <see cref="ExecStep"/> (a RUN): a snapshot over the lower directories, the process in a container (an <see cref="IContainerRuntime"/>)
/// as the step's user, in its working directory (created if missing), with its network and security mode; then
/// the snapshot's changes become a layer in the content store and a committed directory for the next steps.
/// </summary>
public sealed class ExecStepRunner(ISnapshotter snapshotter, IContainerRuntime runtime, SnapshotCommitter committer, string workRoot)
{
    private const int FailureLines = 10;

    /// <summary>
    /// Where bundles (<c>config.json</c>, secret files, SSH sockets) are made: a build sets its own tmpfs, so secrets
    /// never reach the disk. Without one they go under the work root.
    /// </summary>
    public BundleTmpfs? Bundles { get; init; }

    /// <summary>How container ids start; a build names them after its workspace so that recovery can find a killed build's.</summary>
    public string ContainerPrefix { get; init; } = "imgbuild-";

    /// <summary>The cgroup limits of every RUN container (<c>--memory</c>, <c>--cpus</c>, <c>--pids-limit</c>…); none by default.</summary>
    public ContainerResources Resources { get; init; } = ContainerResources.None;

    /// <summary>
    /// Where the container of a RUN whose process fails is handed, kept as the failure left it (filesystem, mounts,
    /// bundle), for <c>--on-error=shell</c>; it also travels in <see cref="ExecFailedException.Container"/>. The
    /// receiver owns it. Null (the default): a failed RUN's container is removed at once.
    /// </summary>
    public Action<FailedRunContainer>? KeepFailed { get; init; }

    /// <summary>Runs <paramref name="step"/> on the filesystem of its input 0; its mounts read the other inputs (each as its lower directories, top first).</summary>
    /// <exception cref="ExecFailedException">The process exited non-zero.</exception>
    /// <exception cref="ContainerUserException">The step's user is not in the image.</exception>
    public async Task<CommittedLayer> RunAsync(ExecStep step, IReadOnlyList<IReadOnlyList<string>> inputDirectories, RunMountOptions mountOptions,
        Action<ContainerOutputLine> output, LayerWriteOptions layerOptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(inputDirectories);
        ArgumentNullException.ThrowIfNull(output);
        Directory.CreateDirectory(workRoot);
        Snapshot snapshot = snapshotter.Create(inputDirectories[0], workRoot);
        string? bundle = null;
        RunMounts? mounts = null;
        // Set once a failed RUN's container is handed to KeepFailed, which then owns the snapshot, mounts and bundle.
        bool kept = false;
        try
        {
            ContainerUser user = ContainerUserResolver.Resolve(step.User, snapshot.RootFilesystem);
            Directory.CreateDirectory(RootedPath.Resolve(snapshot.RootFilesystem, step.WorkingDirectory));
            string unique = Guid.NewGuid().ToString("N")[..12];
            string id = ContainerPrefix + unique;
            // The bundle's name is short: an SSH agent socket in it must fit a unix socket path (108 bytes).
            bundle = Bundles?.CreateBundle(unique) ?? Path.Combine(workRoot, id);
            mounts = await RunMounts.PrepareAsync(step, inputDirectories, mountOptions, bundle, cancellationToken).ConfigureAwait(false);
            var spec = new ContainerSpec(snapshot.RootFilesystem, new ContainerProcess(step.Args, [.. step.Env, .. mounts.Env, .. SshAuthSocket(step, mounts)], step.WorkingDirectory, user))
            {
                Mounts = [.. mounts.Mounts],
                Network = step.Network == NetworkMode.None ? ContainerNetwork.None : ContainerNetwork.Host,
                Privileged = step.Security == SecurityMode.Insecure,
                ExtraHosts = step.ExtraHosts,
                Ulimits = step.Ulimits,
                Resources = Resources,
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
            int status;
            long? memoryLimit = null;
            try
            {
                status = await runtime.RunAsync(id, spec, bundle, Record, cancellationToken).ConfigureAwait(false);
            }
            catch (MemoryLimitReachedException oom)
            {
                (status, memoryLimit) = (oom.ExitCode, oom.LimitBytes);
            }
            if (status != 0)
            {
                FailedRunContainer? container = null;
                if (KeepFailed is { } keep)
                {
                    container = new FailedRunContainer(runtime, spec, id, bundle, [mounts, snapshot]);
                    kept = true;
                    keep(container);
                }
                throw new ExecFailedException(step.Args, status, [.. tail], memoryLimit) { Container = container };
            }
            // Mounts are released (and their stubs removed by the runtime) before the changes become a layer.
            mounts.Dispose();
            mounts = null;
            return committer.Commit(snapshot, layerOptions);
        }
        finally
        {
            if (!kept)
            {
                mounts?.Dispose();
                snapshot.Dispose();
                // Secret files live in the bundle: it goes whatever happens.
                if (bundle is not null && Directory.Exists(bundle)) Directory.Delete(bundle, recursive: true);
            }
        }
    }

    // As BuildKit's exec: SSH_AUTH_SOCK names the first forwarded agent unless the step's environment sets it.
    private static IEnumerable<string> SshAuthSocket(ExecStep step, RunMounts mounts) =>
        mounts.SshAuthSocket is { } socket && !step.Env.Any(e => e.StartsWith("SSH_AUTH_SOCK=", StringComparison.Ordinal))
            ? [$"SSH_AUTH_SOCK={socket}"]
            : [];
}
