using Builder.Solver.Runtime;
using Builder.Solver.Scheduling;

namespace Builder.Engine;

/// <summary>
/// What a front end does with a RUN that failed, while its container is still there (<c>--on-error=shell</c>): the
/// engine writes to no console, so the front end runs the interactive process, through
/// <see cref="FailedRunContainer.RunAttachedAsync"/>, on its own terminal.
/// </summary>
public interface IFailedStepDebugger
{
    /// <summary>
    /// Called once per build, for the RUN that failed it, after every other step stopped; the container (its
    /// filesystem, mounts and bundle) is removed when the returned task ends.
    /// </summary>
    Task DebugAsync(StepFailedException failure, FailedRunContainer container, CancellationToken cancellationToken);
}
