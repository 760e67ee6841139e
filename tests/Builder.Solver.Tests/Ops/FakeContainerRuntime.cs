using Builder.Solver.Progress;
using System.Collections.Concurrent;
using Builder.Solver.Runtime;

namespace Builder.Solver.Tests.Ops;

/// <summary>
/// A container runtime without containers: it records each spec it is given, runs <paramref name="process"/> on
/// the host against the spec (which may write into the root filesystem and print lines), and returns its status.
/// </summary>
internal sealed class FakeContainerRuntime(Func<ContainerSpec, Action<ContainerOutputLine>, int> process) : IContainerRuntime
{
    /// <summary>The specs run so far, each with the container id and bundle directory it was given.</summary>
    public ConcurrentQueue<(string ContainerId, ContainerSpec Spec, string BundleDirectory)> Runs { get; } = new();

    public Task<int> RunAsync(string containerId, ContainerSpec spec, string bundleDirectory, Action<ContainerOutputLine> output,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Runs.Enqueue((containerId, spec, bundleDirectory));
        return Task.FromResult(process(spec, output));
    }

    /// <summary>The specs run attached (an <c>--on-error=shell</c> process), each with its container id and bundle.</summary>
    public ConcurrentQueue<(string ContainerId, ContainerSpec Spec, string BundleDirectory)> AttachedRuns { get; } = new();

    public Task<int> RunAttachedAsync(string containerId, ContainerSpec spec, string bundleDirectory, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        AttachedRuns.Enqueue((containerId, spec, bundleDirectory));
        return Task.FromResult(process(spec, _ => { }));
    }
}
