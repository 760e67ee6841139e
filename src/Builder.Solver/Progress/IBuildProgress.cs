using Builder.Graph;
using Builder.Solver.Runtime;

namespace Builder.Solver.Progress;

/// <summary>What a build reports as it goes, for people and for CI logs.</summary>
public interface IBuildProgress
{
    /// <summary>A step started.</summary>
    void Started(BuildStep step, StepKey key);

    /// <summary>A step's result came from the build cache; it did not run.</summary>
    void Cached(BuildStep step, StepKey key);

    /// <summary>
    /// A step was not found in the build cache: <paramref name="reasons"/> says why, the first input that differs from
    /// the closest cached record first (<see cref="Caching.CacheMissExplainer"/>). A build gives one reason; an explain
    /// (<c>imgbuild build --explain</c>) gives every difference. A sink that does not show reasons ignores it.
    /// </summary>
    void CacheMissed(BuildStep step, StepKey key, IReadOnlyList<string> reasons)
    {
    }

    /// <summary>A step printed a line.</summary>
    void Output(BuildStep step, StepKey key, ContainerOutputLine line);

    /// <summary>A step finished after <paramref name="elapsed"/>.</summary>
    void Finished(BuildStep step, StepKey key, TimeSpan elapsed);

    /// <summary>The build said something that belongs to no step: a cache imported, an export written, a warning.</summary>
    void Message(BuildMessage message);

    /// <summary>An activity that is no step began (loading the Dockerfile, a base image's metadata, exporting).</summary>
    void ActivityStarted(BuildActivity activity)
    {
    }

    /// <summary>A part of a running activity finished, as BuildKit reports a vertex's status: <c>naming to docker.io/library/app:1</c>.</summary>
    void ActivityStatus(BuildActivity activity, string status)
    {
    }

    /// <summary>An activity finished after <paramref name="elapsed"/>.</summary>
    void ActivityFinished(BuildActivity activity, TimeSpan elapsed)
    {
    }
}
