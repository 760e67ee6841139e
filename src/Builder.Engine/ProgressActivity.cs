using System.Diagnostics;
using Builder.Solver.Progress;

namespace Builder.Engine;

/// <summary>
/// One <see cref="BuildActivity"/> reported to a progress sink: started when made, finished with its elapsed time when
/// disposed. <c>using var loading = ProgressActivity.Start(progress, "[internal] load .dockerignore");</c>
/// </summary>
internal sealed class ProgressActivity : IDisposable
{
    private readonly IBuildProgress _progress;
    private readonly BuildActivity _activity;
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private bool _finished;

    private ProgressActivity(IBuildProgress progress, string name)
    {
        (_progress, _activity) = (progress, new BuildActivity(name));
        _progress.ActivityStarted(_activity);
    }

    /// <summary>Reports that the activity <paramref name="name"/> started.</summary>
    public static ProgressActivity Start(IBuildProgress progress, string name) => new(progress, name);

    /// <summary>Reports a finished part of the activity: <c>naming to docker.io/library/app:1</c>.</summary>
    public void Status(string status) => _progress.ActivityStatus(_activity, status);

    /// <summary>Reports that the activity finished (once).</summary>
    public void Dispose()
    {
        if (_finished) return;
        _finished = true;
        _progress.ActivityFinished(_activity, _elapsed.Elapsed);
    }
}
