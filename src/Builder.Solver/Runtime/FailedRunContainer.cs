using System.Collections.Immutable;

namespace Builder.Solver.Runtime;

/// <summary>
/// The container of a RUN whose process failed, kept as the failure left it for <c>--on-error=shell</c>: its root
/// filesystem (the snapshot with the step's changes, not committed), its mounts (cache, bind, tmpfs, secrets, SSH
/// agents) and its bundle. <see cref="RunAttachedAsync"/> starts another process in it from the very spec the RUN ran
/// with, so the same sandbox applies (capabilities, seccomp profile, network, masked paths): the debug path can never
/// grant what the build's entitlements did not (the lesson of BuildKit's CVE-2024-23653). Disposing releases all of it.
/// </summary>
public sealed class FailedRunContainer : IDisposable
{
    private readonly IContainerRuntime _runtime;
    private readonly string _containerId;
    private readonly string _bundle;
    private readonly IReadOnlyList<IDisposable> _held;
    private int _disposed;

    internal FailedRunContainer(IContainerRuntime runtime, ContainerSpec spec, string containerId, string bundle, IReadOnlyList<IDisposable> held)
    {
        _runtime = runtime;
        Spec = spec;
        _containerId = containerId;
        _bundle = bundle;
        _held = held;
    }

    /// <summary>The spec the failed RUN ran with: its process's environment, user and working directory, its mounts and sandbox.</summary>
    public ContainerSpec Spec { get; }

    /// <summary>
    /// Runs <paramref name="args"/> in the failed RUN's container, with <paramref name="extraEnv"/> after the step's
    /// environment, on a pseudo-terminal attached to this process's standard streams, and returns its exit status.
    /// The container is removed when it exits; the filesystem and mounts stay until this is disposed.
    /// </summary>
    public Task<int> RunAttachedAsync(ImmutableArray<string> args, ImmutableArray<string> extraEnv, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (args.IsDefaultOrEmpty) throw new ArgumentException("the process needs a program", nameof(args));
        // Only the process changes: the mounts, network, privileges and seccomp profile are the RUN's own.
        ContainerSpec debug = Spec with
        {
            Process = Spec.Process with { Args = args, Env = Spec.Process.Env.AddRange(extraEnv.IsDefault ? [] : extraEnv), Terminal = true },
        };
        return _runtime.RunAttachedAsync(_containerId, debug, _bundle, cancellationToken);
    }

    /// <summary>Releases the mounts, removes the snapshot and deletes the bundle (its secret files with it).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            foreach (IDisposable held in _held) held.Dispose();
        }
        finally
        {
            if (Directory.Exists(_bundle)) Directory.Delete(_bundle, recursive: true);
        }
    }
}
