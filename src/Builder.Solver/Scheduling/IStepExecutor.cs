using Builder.Graph;

namespace Builder.Solver.Scheduling;

/// <summary>Runs one build step once its inputs are done. The scheduler decides when; the executor decides how.</summary>
/// <typeparam name="TResult">What a finished step hands to the steps that read it.</typeparam>
public interface IStepExecutor<TResult>
{
    /// <summary>Runs <paramref name="step"/> over the results of its inputs, in the order of <see cref="BuildStep.Inputs"/>.</summary>
    Task<TResult> ExecuteAsync(BuildStep step, StepKey key, IReadOnlyList<TResult> inputs, CancellationToken cancellationToken);
}
