using System.Globalization;
using System.Text;
using Builder.Frontend.Diagnostics;
using Builder.Graph;
using Builder.Solver.Progress;
using Builder.Solver.Runtime;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Output;

/// <summary>
/// <c>--progress=tty</c> (and <c>auto</c> on a terminal): a live view like buildx's (progressui/display.go). A header
/// <c>[+] Building 3.2s (7/9)</c>, each finished step printed once with its time (prefixed <c>CACHED</c>,
/// <c>ERROR</c> or <c>CANCELED</c>), and below them a region redrawn ten times a second with the running steps, their
/// timers and their last output lines. Finished lines are coloured as buildx colours them (blue, red for an error,
/// yellow for a step another step's failure stopped) unless <c>NO_COLOR</c> is set. A failed build ends with the
/// header marked <c>FINISHED</c>, then the failed step's whole output (never clipped), the Dockerfile excerpt and the
/// error. Diagnostics and errors are printed above the redrawn region.
/// </summary>
internal sealed class TtyProgress : IBuildRenderer, IDisposable
{
    private const int TailLines = 6;
    // aec's BlueF, RedF, YellowF and Reset: what progressui/init.go picks on Linux.
    private const string Blue = "\x1b[34m", Red = "\x1b[31m", Yellow = "\x1b[33m", Reset = "\x1b[0m";
    private readonly TextWriter _writer;
    private readonly int _width;
    private readonly bool _color;
    private readonly object _gate = new();
    private readonly DateTime _start = DateTime.UtcNow;
    private readonly Dictionary<object, Running> _running = [];
    private readonly Timer _timer;
    private int _started, _finished, _drawnLines;
    private bool _closed, _stopped;

    /// <param name="writer">The terminal.</param>
    /// <param name="width">Its width in columns.</param>
    /// <param name="color">Whether to colour finished steps (false when <c>NO_COLOR</c> is set).</param>
    public TtyProgress(TextWriter writer, int width, bool color = true)
    {
        _writer = writer;
        _width = Math.Max(40, width);
        _color = color;
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
        if (StepLabel.IsShown(step)) Start(key, StepLabel.Of(step));
    }

    public void Cached(BuildStep step, StepKey key)
    {
        lock (_gate)
        {
            if (!StepLabel.IsShown(step)) return;
            if (!_running.ContainsKey(key)) Start(key, StepLabel.Of(step));
            Done(key, "CACHED ", TimeSpan.Zero, Blue);
        }
    }

    // Why the step runs (moby/buildkit#2567): shown as the running step's first lines.
    public void CacheMissed(BuildStep step, StepKey key, IReadOnlyList<string> reasons)
    {
        foreach (string reason in reasons)
            Output(step, key, new ContainerOutputLine(false, "miss: " + reason));
    }

    public void Output(BuildStep step, StepKey key, ContainerOutputLine line)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(key, out Running? running)) running.Output.Add(line.Text);
        }
    }

    public void Finished(BuildStep step, StepKey key, TimeSpan elapsed) => Done(key, "", elapsed, Blue);

    public void ActivityStarted(BuildActivity activity) => Start(activity, TerminalText.Escape(activity.Name));

    public void ActivityStatus(BuildActivity activity, string status)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(activity, out Running? running)) running.Output.Add(status);
        }
    }

    public void ActivityFinished(BuildActivity activity, TimeSpan elapsed) => Done(activity, "", elapsed, Blue);

    public void Message(BuildMessage message) =>
        Above(() => _writer.WriteLine(TerminalText.EscapeLines(message.Level == BuildMessageLevel.Warning ? $"imgbuild: warning: {message.Text}" : message.Text)));

    public void Diagnostic(DockerfileDiagnostic diagnostic, string? dockerfileText) =>
        Above(() => DiagnosticPrinter.Print(_writer, diagnostic, dockerfileText));

    /// <summary>
    /// The failed step as ERROR, the steps it stopped as CANCELED, the final header, then the failed step's whole
    /// output, the Dockerfile excerpt and the error (display.go's done, then printErrorLogs).
    /// </summary>
    public void StepFailed(StepFailedException failure, string? dockerfileText)
    {
        lock (_gate)
        {
            ClearRegion();
            string name = StepLabel.Of(failure.Step);
            List<string> output = _running.TryGetValue(failure.Key, out Running? failed) ? failed.Output : [];
            if (failed is not null) name = failed.Title;
            foreach ((object key, Running running) in _running.OrderBy(r => r.Value.Number).ToList())
            {
                bool isFailed = ReferenceEquals(running, failed);
                _running.Remove(key);
                _finished++;
                _writer.WriteLine(Paint(Fit($" => {(isFailed ? "ERROR " : "CANCELED ")}{running.Title}", Seconds(DateTime.UtcNow - running.Started)), isFailed ? Red : Yellow));
            }
            DrawHeader(final: true);
            _closed = true;
            FailureSummary.Print(_writer, failure, name, output, dockerfileText);
            _writer.Flush();
        }
    }

    public void Error(string message) => Above(() => _writer.WriteLine($"imgbuild: {TerminalText.EscapeLines(message)}"));

    // As plain: the digest goes to standard output; the region's last draw (Dispose) shows the steps done.
    public void Completed(BuildCompletion result)
    {
    }

    private void Start(object key, string title)
    {
        lock (_gate)
        {
            if (!_running.ContainsKey(key)) _running[key] = new Running(++_started, title);
        }
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

    private void Done(object key, string prefix, TimeSpan elapsed, string color)
    {
        lock (_gate)
        {
            if (!_running.Remove(key, out Running? running)) return;
            _finished++;
            ClearRegion();
            _writer.WriteLine(Paint(Fit($" => {prefix}{running.Title}", Seconds(elapsed)), color));
            DrawRegion();
        }
    }

    private string Paint(string line, string color) => _color ? color + line + Reset : line;

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
        if (_closed || _stopped) return;
        var lines = new List<string> { Header(final: false) };
        foreach (Running running in _running.Values.OrderBy(r => r.Number))
        {
            lines.Add(Fit($" => {running.Title}", Seconds(DateTime.UtcNow - running.Started)));
            foreach (string output in running.Output.TakeLast(TailLines)) lines.Add(Fit($" => => # {output}", ""));
        }
        _writer.Write(string.Join("", lines.Select(l => l + "\n")));
        _writer.Flush();
        _drawnLines = lines.Count;
    }

    // The last header, which stays: FINISHED when every step started has ended, as display.go marks it.
    private void DrawHeader(bool final) => _writer.WriteLine(Header(final));

    private string Header(bool final) =>
        Fit($"[+] Building {Seconds(DateTime.UtcNow - _start)} ({_finished}/{_started}){(final && _finished == _started && _started > 0 ? " FINISHED" : "")}", "");

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
            if (_closed) return;
            DrawHeader(final: true);
            _closed = true;
        }
    }
}
