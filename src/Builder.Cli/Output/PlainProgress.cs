using System.Collections.Concurrent;
using System.Globalization;
using Builder.Frontend.Diagnostics;
using Builder.Graph;
using Builder.Solver.Progress;
using Builder.Solver.Runtime;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Output;

/// <summary>
/// <c>--progress=plain</c>: one line per event, numbered per step in start order like BuildKit's plain output
/// (<c>#3 [2/4] RUN make</c>, <c>#3 0.512 output line</c>, <c>#3 DONE 1.2s</c>). Output lines are never clipped.
/// Diagnostics and errors go to <paramref name="errors"/>, which <c>--progress=quiet</c> keeps when it drops the rest.
/// </summary>
internal sealed class PlainProgress(TextWriter writer, TextWriter errors) : IBuildRenderer
{
    private readonly ConcurrentDictionary<StepKey, int> _numbers = new();
    private readonly ConcurrentDictionary<StepKey, DateTime> _started = new();
    private int _next;

    /// <summary>Progress, diagnostics and errors all to <paramref name="writer"/>.</summary>
    public PlainProgress(TextWriter writer) : this(writer, writer)
    {
    }

    public void Started(BuildStep step, StepKey key)
    {
        int number = _numbers.GetOrAdd(key, _ => Interlocked.Increment(ref _next));
        _started[key] = DateTime.UtcNow;
        Write($"#{number} {Describe(step)}");
    }

    public void Cached(BuildStep step, StepKey key) => Write($"#{_numbers.GetValueOrDefault(key)} CACHED");

    // Why the step runs (moby/buildkit#2567), one line per reason, after its start line.
    public void CacheMissed(BuildStep step, StepKey key, IReadOnlyList<string> reasons)
    {
        foreach (string reason in reasons)
            Write($"#{_numbers.GetValueOrDefault(key)} miss: {TerminalText.Escape(reason)}");
    }

    public void Output(BuildStep step, StepKey key, ContainerOutputLine line)
    {
        double seconds = (DateTime.UtcNow - _started.GetValueOrDefault(key, DateTime.UtcNow)).TotalSeconds;
        Write($"#{_numbers.GetValueOrDefault(key)} {seconds.ToString("0.000", CultureInfo.InvariantCulture)} {line.Text}");
    }

    public void Finished(BuildStep step, StepKey key, TimeSpan elapsed) =>
        Write($"#{_numbers.GetValueOrDefault(key)} DONE {elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s");

    public void Message(BuildMessage message) =>
        Write(TerminalText.EscapeLines(message.Level == BuildMessageLevel.Warning ? $"imgbuild: warning: {message.Text}" : message.Text));

    public void Diagnostic(DockerfileDiagnostic diagnostic, string? dockerfileText)
    {
        lock (errors) DiagnosticPrinter.Print(errors, diagnostic, dockerfileText);
    }

    // The step's message has its file, line, instruction, status and last output lines: the progress above has the rest.
    public void StepFailed(StepFailedException failure) => Error(failure.Message);

    public void Error(string message)
    {
        lock (errors) errors.WriteLine($"imgbuild: {TerminalText.EscapeLines(message)}");
    }

    // The digest goes to standard output (the command knows whether an export took it); the progress says the rest.
    public void Completed(BuildCompletion result)
    {
    }

    // The instruction as the Dockerfile has it, its control characters escaped (TerminalText).
    private static string Describe(BuildStep step) => step.Origin is { } origin ? $"[{origin.StartLine}] {TerminalText.Escape(origin.Instruction)}" : step.GetType().Name;

    private void Write(string line)
    {
        lock (writer) writer.WriteLine(line);
    }
}
