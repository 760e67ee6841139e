using Builder.Solver.Progress;

namespace Builder.Solver.Runtime;

/// <summary>
/// Runs a build container from a <see cref="ContainerSpec"/> to completion. The solver depends on this, not on a
/// particular runtime: <see cref="RuncRuntime"/> is the rootful runc implementation; a rootless runtime or a test
/// double plugs in the same way.
/// </summary>
public interface IContainerRuntime
{
    /// <summary>
    /// Creates container <paramref name="containerId"/> from <paramref name="spec"/> with its bundle in
    /// <paramref name="bundleDirectory"/>, runs its process with output streamed line by line to
    /// <paramref name="output"/>, and returns the process's exit status. Whatever happens (exit, failure or
    /// cancellation) the container is killed and deleted before this returns, and nothing it added to
    /// <see cref="ContainerSpec.RootFilesystem"/> for mounts is left behind.
    /// </summary>
    /// <exception cref="MemoryLimitReachedException">The process failed because the container reached <see cref="ContainerResources.MemoryBytes"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the container was killed and deleted first.</exception>
    Task<int> RunAsync(string containerId, ContainerSpec spec, string bundleDirectory, Action<ContainerOutputLine> output,
        CancellationToken cancellationToken);

    /// <summary>
    /// Runs container <paramref name="containerId"/> as <see cref="RunAsync"/> does, but attached to this process's
    /// standard input, output and error (a terminal when <see cref="ContainerProcess.Terminal"/> is set), for an
    /// interactive process such as <c>--on-error=shell</c>'s; returns its exit status. Leaves nothing behind either.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; the container was killed and deleted first.</exception>
    Task<int> RunAttachedAsync(string containerId, ContainerSpec spec, string bundleDirectory, CancellationToken cancellationToken);
}
