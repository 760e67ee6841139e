namespace Builder.Solver.Snapshots;

/// <summary>
/// Deletes the working folders of ended snapshots (an overlay's emptied <c>upper</c>, its <c>work</c> and
/// <c>merged</c> directories) on the thread pool, so that a step's result reaches the steps waiting for it without
/// them: once a snapshot is unmounted and its changes moved into the layer store, nothing reads its folder again.
/// Deleting it inline put a dozen directory operations on every step's critical path, and the overlay's
/// <c>work/work</c> directories made that tens of milliseconds on a busy disk (issue 12). One cleanup serves one
/// build; <see cref="Drain"/> waits for every deletion before the build deletes its workspace.
/// </summary>
public sealed class SnapshotCleanup
{
    private readonly object _gate = new();
    private int _pending;

    /// <summary>Deletes <paramref name="directory"/> (recursively) on the thread pool.</summary>
    public void Delete(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        lock (_gate) _pending++;
        ThreadPool.UnsafeQueueUserWorkItem(path =>
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left in the workspace, which the build deletes when it ends (or recovery, if it is killed).
            }
            finally
            {
                lock (_gate)
                {
                    if (--_pending == 0) Monitor.PulseAll(_gate);
                }
            }
        }, directory, preferLocal: false);
    }

    /// <summary>Waits until every deletion asked for so far has ended (the build then deletes its workspace).</summary>
    public void Drain()
    {
        lock (_gate)
        {
            while (_pending > 0) Monitor.Wait(_gate);
        }
    }
}
