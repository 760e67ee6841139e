using System.Globalization;
using System.Text;
using Builder.Frontend.Diagnostics;
using Builder.Graph;
using Builder.Solver.Progress;
using Builder.Solver.Runtime;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Output;

/// <summary>
/// <c>--progress=tty</c> (and <c>auto</c> on a terminal): a live view like buildx's. A header with the elapsed time and
/// steps done, each finished step printed once with its time or CACHED, and below them a region redrawn ten times a
/// second with the running steps, their timers and their last output lines. A failed step's output is printed in
/// full, never clipped, when the build ends. Diagnostics and errors are printed above the redrawn region.
/// </summary>
internal sealed class TtyProgress : IBuildRenderer, IDisposable
{
    private const int TailLines = 6;
    private readonly TextWriter _writer;
    private readonly int _width;
    private readonly object _gate = new();
    private readonly DateTime _start = DateTime.UtcNow;
    private readonly Dictionary<StepKey, Running> _running = [];
    private readonly Timer _timer;
    private int _started, _finished, _drawnLines;
    private bool _stopped;

    public TtyProgress(TextWriter writer, int width)
    {
        _writer = writer;
        _width = Math.Max(40, width);
        _timer = new Timer(_ => Redraw(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    private sealed class Running(int number, string title)
    {
        public int Number { get; } = number;
        public string Title { get; } = title;
        public DateTime Started { get; } = DateTime.UtcNow;
        public List<string> Output { get; } = [];
    }

    public void Started(BuildStep step, StepKey key)
    {
        lock (_gate) _running[key] = new Running(++_started, Describe(step));
    }

    public void Cached(BuildStep step, StepKey key) => Done(key, "CACHED");

    public void Output(BuildStep step, StepKey key, ContainerOutputLine line)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(key, out Running? running)) running.Output.Add(line.Text);
        }
    }

    public void Finished(BuildStep step, StepKey key, TimeSpan elapsed) =>
        Done(key, elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s");

    public void Message(BuildMessage message) =>
        Above(() => _writer.WriteLine(TerminalText.EscapeLines(message.Level == BuildMessageLevel.Warning ? $"imgbuild: warning: {message.Text}" : message.Text)));

    public void Diagnostic(DockerfileDiagnostic diagnostic, string? dockerfileText) =>
        Above(() => DiagnosticPrinter.Print(_writer, diagnostic, dockerfileText));

    /// <summary>The steps still running with their whole output (the failed one among them), then the failure.</summary>
    public void StepFailed(StepFailedException failure)
    {
        lock (_gate)
        {
            PrintUnfinished();
            _writer.WriteLine($"imgbuild: {TerminalText.EscapeLines(failure.Message)}");
            DrawRegion();
        }
    }

    public void Error(string message) => Above(() => _writer.WriteLine($"imgbuild: {TerminalText.EscapeLines(message)}"));

    // As plain: the digest goes to standard output; the region's last draw (Dispose) shows the steps done.
    public void Completed(BuildCompletion result)
    {
    }

    // Writes lines that stay, above the region of running steps.
    private void Above(Action write)
    {
        lock (_gate)
        {
            ClearRegion();
            write();
            DrawRegion();
        }
    }

    private void Done(StepKey key, string status)
    {
        lock (_gate)
        {
            if (!_running.Remove(key, out Running? running)) return;
            _finished++;
            ClearRegion();
            _writer.WriteLine(Fit($" => {running.Title}", status));
            DrawRegion();
        }
    }

    /// <summary>Prints the whole output of the steps still running (a failure stops the build with them).</summary>
    public void PrintUnfinished()
    {
        lock (_gate)
        {
            ClearRegion();
            foreach (Running running in _running.Values.OrderBy(r => r.Number))
            {
                _writer.WriteLine($" => ERROR {running.Title}");
                foreach (string line in running.Output) _writer.WriteLine($"    {TerminalText.Escape(line)}");
            }
            _running.Clear();
        }
    }

    private void Redraw()
    {
        lock (_gate)
        {
            if (_stopped) return;
            ClearRegion();
            DrawRegion();
        }
    }

    private void ClearRegion()
    {
        if (_drawnLines == 0) return;
        var clear = new StringBuilder();
        clear.Append(CultureInfo.InvariantCulture, $"\x1b[{_drawnLines}A");
        for (int i = 0; i < _drawnLines; i++) clear.Append("\x1b[2K\n");
        clear.Append(CultureInfo.InvariantCulture, $"\x1b[{_drawnLines}A");
        _writer.Write(clear.ToString());
        _drawnLines = 0;
    }

    private void DrawRegion()
    {
        var lines = new List<string>
        {
            Fit($"[+] Building {Seconds(DateTime.UtcNow - _start)} ({_finished}/{_started})", ""),
        };
        foreach (Running running in _running.Values.OrderBy(r => r.Number))
        {
            lines.Add(Fit($" => {running.Title}", Seconds(DateTime.UtcNow - running.Started)));
            foreach (string output in running.Output.TakeLast(TailLines)) lines.Add(Fit($" => => {output}", ""));
        }
        _writer.Write(string.Join("", lines.Select(l => l + "\n")));
        _writer.Flush();
        _drawnLines = lines.Count;
    }

    // One terminal row: the text clipped to the width with the status right-aligned (the full output is kept).
    private string Fit(string text, string status)
    {
        // Control characters would move the cursor out of the region this redraws: they are shown escaped.
        text = TerminalText.Escape(text.Replace('\t', ' ').Replace('\r', ' '));
        int room = _width - status.Length - 1;
        if (text.Length > room) text = text[..Math.Max(0, room - 1)] + "…";
        return status.Length == 0 ? text : text.PadRight(room) + " " + status;
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";

    private static string Describe(BuildStep step) => step.Origin is { } origin ? $"[{origin.StartLine}] {TerminalText.Escape(origin.Instruction)}" : step.GetType().Name;

    /// <summary>
    /// Stops redrawing and leaves what is on the screen as it is, so another program (<c>--on-error=shell</c>'s shell)
    /// can use the terminal; later lines are written below it.
    /// </summary>
    public void StopRedrawing()
    {
        _timer.Change(Timeout.Infinite, Timeout.Infinite);
        lock (_gate)
        {
            _stopped = true;
            _drawnLines = 0;
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            ClearRegion();
            DrawRegion();
        }
    }
}
