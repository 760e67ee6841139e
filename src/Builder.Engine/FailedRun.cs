using System.Collections.Immutable;
using Builder.Solver.Runtime;

namespace Builder.Engine;

/// <summary>
/// A RUN that failed, with its container kept as the failure left it, as the engine hands it to a front end's
/// <see cref="IFailedStepDebugger"/> (<c>--on-error=shell</c>). A process started here runs from the RUN's own runtime
/// spec (sandbox, mounts, environment, user, working directory): the front end chooses only the program.
/// </summary>
public sealed class FailedRun
{
    private readonly FailedRunContainer _container;

    internal FailedRun(FailedRunContainer container) => _container = container;

    /// <summary>
    /// Runs <paramref name="args"/> in the failed RUN's container, with <paramref name="extraEnv"/> after the step's
    /// environment, on a pseudo-terminal attached to this process's standard streams (which must be a terminal), and
    /// returns its exit status.
    /// </summary>
    public Task<int> RunAttachedAsync(ImmutableArray<string> args, ImmutableArray<string> extraEnv, CancellationToken cancellationToken = default) =>
        _container.RunAttachedAsync(args, extraEnv, cancellationToken);
}
