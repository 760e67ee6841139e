using System.Collections.Concurrent;
using System.Globalization;
using Builder.Solver.Execution;
using Builder.Graph;

namespace Builder.Cli.Output;

/// <summary>
/// <c>--progress=plain</c>: one line per event, numbered per step in start order like BuildKit's plain output
/// (<c>#3 [2/4] RUN make</c>, <c>#3 0.512 output line</c>, <c>#3 DONE 1.2s</c>). Output lines are never clipped.
/// </summary>
internal sealed class PlainProgress(TextWriter writer) : IBuildProgress
{
    private readonly ConcurrentDictionary<StepKey, int> _numbers = new();
    private readonly ConcurrentDictionary<StepKey, DateTime> _started = new();
    private int _next;

    public void Started(BuildStep step, StepKey key)
    {
        int number = _numbers.GetOrAdd(key, _ => Interlocked.Increment(ref _next));
        _started[key] = DateTime.UtcNow;
        Write($"#{number} {Describe(step)}");
    }

    public void Cached(BuildStep step, StepKey key) => Write($"#{_numbers.GetValueOrDefault(key)} CACHED");

    public void Output(BuildStep step, StepKey key, ContainerOutputLine line)
    {
        double seconds = (DateTime.UtcNow - _started.GetValueOrDefault(key, DateTime.UtcNow)).TotalSeconds;
        Write($"#{_numbers.GetValueOrDefault(key)} {seconds.ToString("0.000", CultureInfo.InvariantCulture)} {line.Text}");
    }

    public void Finished(BuildStep step, StepKey key, TimeSpan elapsed) =>
        Write($"#{_numbers.GetValueOrDefault(key)} DONE {elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s");

    public void Message(BuildMessage message) =>
        Write(message.Level == BuildMessageLevel.Warning ? $"imgbuild: warning: {message.Text}" : message.Text);

    private static string Describe(BuildStep step) => step.Origin is { } origin ? $"[{origin.StartLine}] {origin.Instruction}" : step.GetType().Name;

    private void Write(string line)
    {
        lock (writer) writer.WriteLine(line);
    }
}
