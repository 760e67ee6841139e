using System.Globalization;
using Builder.Frontend.Diagnostics;
using Builder.Graph;
using Builder.Solver.Progress;
using Builder.Solver.Runtime;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Output;

/// <summary>
/// <c>--progress=plain</c>, as buildx prints it (BuildKit's util/progress/progressui/printer.go): each step and each
/// internal activity is a vertex numbered in start order, printed as a block that starts with a blank line and
/// <c>#N [build 2/3] RUN make</c> and ends with <c>#N DONE 1.2s</c>, <c>#N CACHED</c>, <c>#N ERROR: …</c> or
/// <c>#N CANCELED</c>; between them its output lines (<c>#N 0.512 line</c>, seconds since the step started) and
/// finished parts of an activity (<c>#N naming to docker.io/library/app:1 done</c>). When another vertex prints before
/// one ends, the first gets <c>#N ...</c> and its header is printed again when it resumes. A failed build ends with
/// the failed step's last output lines between <c>------</c> rules, the Dockerfile excerpt with <c>&gt;&gt;&gt;</c> on
/// the failed instruction and <c>ERROR: failed to solve: …</c>. Unlike buildx, output lines are never clipped.
/// Diagnostics and errors go to <paramref name="errors"/>, which <c>--progress=quiet</c> keeps when it drops the rest.
/// </summary>
internal sealed class PlainProgress(TextWriter writer, TextWriter errors) : IBuildRenderer
{
    // printer.go's logsBufferSize: how many of a failed step's last lines the summary repeats.
    private const int SummaryLines = 10;
    private readonly Dictionary<object, Vertex> _vertexes = [];
    private readonly object _gate = new();
    private Vertex? _current;
    private bool _notFirst;
    private int _next;

    /// <summary>Progress, diagnostics and errors all to <paramref name="writer"/>.</summary>
    public PlainProgress(TextWriter writer) : this(writer, writer)
    {
    }

    private sealed class Vertex(int number, string name)
    {
        public int Number { get; } = number;
        public string Name { get; } = name;
        public DateTime Started { get; } = DateTime.UtcNow;
        public bool Completed { get; set; }
        public Queue<string> LastLines { get; } = new();
    }

    public void Started(BuildStep step, StepKey key)
    {
        if (!StepLabel.IsShown(step)) return;
        lock (_gate) Show(VertexOf(key, step));
    }

    public void Cached(BuildStep step, StepKey key)
    {
        if (StepLabel.IsShown(step)) Complete(key, step, "CACHED");
    }

    // Why the step runs (moby/buildkit#2567), one line per reason, after its start line.
    public void CacheMissed(BuildStep step, StepKey key, IReadOnlyList<string> reasons)
    {
        if (!StepLabel.IsShown(step)) return;
        lock (_gate)
        {
            Vertex vertex = VertexOf(key, step);
            foreach (string reason in reasons) Line(vertex, "miss: " + TerminalText.Escape(reason));
        }
    }

    public void Output(BuildStep step, StepKey key, ContainerOutputLine line)
    {
        lock (_gate)
        {
            Vertex vertex = VertexOf(key, step);
            string text = $"{(DateTime.UtcNow - vertex.Started).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} {line.Text}";
            if (vertex.LastLines.Count == SummaryLines) vertex.LastLines.Dequeue();
            vertex.LastLines.Enqueue(text);
            Line(vertex, text);
        }
    }

    public void Finished(BuildStep step, StepKey key, TimeSpan elapsed)
    {
        if (StepLabel.IsShown(step)) Complete(key, step, "DONE " + Seconds(elapsed));
    }

    public void ActivityStarted(BuildActivity activity)
    {
        lock (_gate) Show(VertexOf(activity, null));
    }

    public void ActivityStatus(BuildActivity activity, string status)
    {
        lock (_gate) Line(VertexOf(activity, null), TerminalText.Escape(status) + " done");
    }

    public void ActivityFinished(BuildActivity activity, TimeSpan elapsed) => Complete(activity, null, "DONE " + Seconds(elapsed));

    public void Message(BuildMessage message)
    {
        lock (_gate)
        {
            Leave();
            writer.WriteLine(TerminalText.EscapeLines(message.Level == BuildMessageLevel.Warning ? $"imgbuild: warning: {message.Text}" : message.Text));
        }
    }

    public void Diagnostic(DockerfileDiagnostic diagnostic, string? dockerfileText)
    {
        lock (_gate)
        {
            Leave();
            lock (errors) DiagnosticPrinter.Print(errors, diagnostic, dockerfileText);
        }
    }

    /// <summary>
    /// The failed step's <c>#N ERROR</c>, <c>#N CANCELED</c> for each step it stopped, then the summary: its last
    /// output lines, the Dockerfile excerpt and the error.
    /// </summary>
    public void StepFailed(StepFailedException failure, string? dockerfileText)
    {
        lock (_gate)
        {
            Vertex failed = VertexOf(failure.Key, failure.Step);
            End(failed, "ERROR: " + TerminalText.Escape(failure.Reason));
            foreach (Vertex stopped in _vertexes.Values.Where(v => !v.Completed).OrderBy(v => v.Number).ToList()) End(stopped, "CANCELED");
            lock (errors) FailureSummary.Print(errors, failure, failed.Name, failed.LastLines, dockerfileText);
        }
    }

    public void Error(string message)
    {
        lock (_gate)
        {
            Leave();
            lock (errors) errors.WriteLine($"imgbuild: {TerminalText.EscapeLines(message)}");
        }
    }

    // The digest goes to standard output (the command knows whether an export took it); the progress says the rest.
    public void Completed(BuildCompletion result)
    {
    }

    private Vertex VertexOf(object key, BuildStep? step)
    {
        if (_vertexes.TryGetValue(key, out Vertex? vertex)) return vertex;
        vertex = new Vertex(++_next, step is null ? TerminalText.Escape(((BuildActivity)key).Name) : StepLabel.Of(step));
        _vertexes[key] = vertex;
        return vertex;
    }

    private void Complete(object key, BuildStep? step, string status)
    {
        lock (_gate) End(VertexOf(key, step), status);
    }

    private void End(Vertex vertex, string status)
    {
        Line(vertex, status);
        vertex.Completed = true;
        _current = null;
    }

    /// <summary>One line of <paramref name="vertex"/>'s block: <c>#N text</c>, its header first if another vertex printed since.</summary>
    private void Line(Vertex vertex, string text)
    {
        Show(vertex);
        writer.WriteLine($"#{vertex.Number} {text}");
    }

    // printer.go's printVtx: a vertex that is not the one printing gets a blank line and its header; the one it
    // interrupts, if not finished, says so with "#N ...".
    private void Show(Vertex vertex)
    {
        if (ReferenceEquals(vertex, _current)) return;
        Leave();
        if (_notFirst) writer.WriteLine();
        _notFirst = true;
        writer.WriteLine($"#{vertex.Number} {vertex.Name}");
        _current = vertex;
    }

    private void Leave()
    {
        if (_current is { Completed: false } interrupted) writer.WriteLine($"#{interrupted.Number} ...");
        _current = null;
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
}
