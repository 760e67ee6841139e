using Builder.Graph;
using Builder.Solver.Progress;
using Builder.Solver.Runtime;

namespace Builder.Engine;

/// <summary>Passes a build's progress on and counts the RUN and file steps found in the cache and missed, for <c>--explain</c>'s summary.</summary>
internal sealed class ExplainTally(IBuildProgress inner) : IBuildProgress
{
    private int _cached, _missed;

    public int Cached => _cached;

    public int Missed => _missed;

    public void Started(BuildStep step, StepKey key) => inner.Started(step, key);

    void IBuildProgress.Cached(BuildStep step, StepKey key)
    {
        Interlocked.Increment(ref _cached);
        inner.Cached(step, key);
    }

    public void CacheMissed(BuildStep step, StepKey key, IReadOnlyList<string> reasons)
    {
        Interlocked.Increment(ref _missed);
        inner.CacheMissed(step, key, reasons);
    }

    public void Output(BuildStep step, StepKey key, ContainerOutputLine line) => inner.Output(step, key, line);

    public void Finished(BuildStep step, StepKey key, TimeSpan elapsed) => inner.Finished(step, key, elapsed);

    public void Message(BuildMessage message) => inner.Message(message);
}
