using System.Runtime.ExceptionServices;

namespace Builder.Solver;

/// <summary>
/// Runs independent per-item work (thousands of files' system calls) on every core, and a short list on the calling
/// thread alone, where starting workers costs more than they save. A failure surfaces as the item threw it, not
/// wrapped, so callers see the same exceptions as from a plain loop.
/// </summary>
internal static class EveryCore
{
    /// <summary>Runs <paramref name="body"/> for 0 to <paramref name="count"/> − 1, in parallel from <paramref name="parallelFrom"/> items.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void For(int count, int parallelFrom, Action<int> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (count < parallelFrom)
        {
            for (int i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                body(i);
            }
            return;
        }
        try
        {
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, body);
        }
        catch (AggregateException failed)
        {
            ExceptionDispatchInfo.Capture(failed.InnerExceptions[0]).Throw();
        }
    }
}
