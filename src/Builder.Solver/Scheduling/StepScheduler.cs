using System.Collections.Concurrent;
using Builder.Graph;

namespace Builder.Solver.Scheduling;

/// <summary>
/// Runs a build graph: each step after its inputs, independent steps in parallel up to a limit, identical steps
/// (same <see cref="StepKey"/>) once, and steps no target needs never. When one step fails the others are
/// cancelled and the failure is reported, not the cancellations it caused. One scheduler solves one build.
/// </summary>
/// <typeparam name="TResult">What a finished step hands on.</typeparam>
public sealed class StepScheduler<TResult>(IStepExecutor<TResult> executor, int maxParallelSteps)
{
    private readonly ConcurrentDictionary<StepKey, Lazy<Task<TResult>>> _started = new();
    private readonly SemaphoreSlim _slots = new(Math.Max(1, maxParallelSteps));
    private int _solving;

    /// <summary>Solves every step in <paramref name="targets"/> and returns their results in the same order.</summary>
    /// <exception cref="StepFailedException">A step failed; the others were stopped.</exception>
    /// <exception cref="OperationCanceledException">The build was cancelled.</exception>
    public async Task<IReadOnlyList<TResult>> SolveAsync(IReadOnlyList<BuildStep> targets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (Interlocked.Exchange(ref _solving, 1) != 0)
            throw new InvalidOperationException("a StepScheduler solves one build; create another for the next");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var failure = new StrongBoxFailure();
        // Start every step after its inputs, from an explicit stack: a step then finds its inputs' tasks started
        // and never starts them itself, so a chain of any length never nests calls (issue 14).
        foreach (BuildStep step in InputsFirst(targets))
            _ = SolveStepAsync(step, stop, failure);
        Task<TResult>[] tasks = [.. targets.Select(target => SolveStepAsync(target, stop, failure))];
        try
        {
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception) when (failure.First is { } first)
        {
            throw first;
        }
    }

    /// <summary>Every step the targets reach, each once (by key) and after its inputs: a post-order walk without recursion.</summary>
    private static List<BuildStep> InputsFirst(IReadOnlyList<BuildStep> targets)
    {
        var ordered = new List<BuildStep>();
        var seen = new HashSet<StepKey>();
        var pending = new Stack<(BuildStep Step, int NextInput)>();
        foreach (BuildStep target in targets)
        {
            if (!seen.Add(StepKey.Of(target)))
                continue;
            pending.Push((target, 0));
            while (pending.Count > 0)
            {
                (BuildStep step, int next) = pending.Pop();
                if (next < step.Inputs.Length)
                {
                    pending.Push((step, next + 1));
                    if (seen.Add(StepKey.Of(step.Inputs[next])))
                        pending.Push((step.Inputs[next], 0));
                    continue;
                }
                ordered.Add(step);
            }
        }
        return ordered;
    }

    private Task<TResult> SolveStepAsync(BuildStep step, CancellationTokenSource stop, StrongBoxFailure failure) =>
        _started.GetOrAdd(StepKey.Of(step), key => new Lazy<Task<TResult>>(() => RunAsync(step, key, stop, failure))).Value;

    private async Task<TResult> RunAsync(BuildStep step, StepKey key, CancellationTokenSource stop, StrongBoxFailure failure)
    {
        TResult[] inputs = await Task.WhenAll(step.Inputs.Select(input => SolveStepAsync(input, stop, failure))).ConfigureAwait(false);
        await _slots.WaitAsync(stop.Token).ConfigureAwait(false);
        try
        {
            return await executor.ExecuteAsync(step, key, inputs, stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            var failed = e as StepFailedException ?? new StepFailedException(step, e);
            if (Interlocked.CompareExchange(ref failure.First, failed, null) is null)
                await stop.CancelAsync().ConfigureAwait(false);
            throw failed;
        }
        finally
        {
            _slots.Release();
        }
    }

    private sealed class StrongBoxFailure
    {
        public StepFailedException? First;
    }
}
