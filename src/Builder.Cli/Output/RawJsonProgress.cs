using System.Collections.Concurrent;
using System.Text.Json;
using Builder.Frontend.Diagnostics;
using Builder.Graph;
using Builder.Solver.Progress;
using Builder.Solver.Runtime;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Output;

/// <summary>
/// <c>--progress=rawjson</c>: one JSON object per line, for CI tools and the MSBuild task to read. Each has an
/// <c>"event"</c>; a field whose value is unknown is left out. Steps are numbered from 1 in the order they start.
/// <list type="bullet">
/// <item><c>{"event":"started","step":3,"key":"sha256:…","name":"RUN make","file":"Dockerfile","line":4}</c>
/// (<c>file</c> and <c>line</c> when an instruction made the step)</item>
/// <item><c>{"event":"cached","step":3,"key":"sha256:…"}</c></item>
/// <item><c>{"event":"output","step":3,"key":"sha256:…","stream":"stdout|stderr","text":"…"}</c></item>
/// <item><c>{"event":"done","step":3,"key":"sha256:…","seconds":1.25}</c></item>
/// <item><c>{"event":"message","text":"…"}</c> and <c>{"event":"warning","text":"…"}</c>: what the build says outside any step</item>
/// <item><c>{"event":"diagnostic","severity":"error|warning","code":"IB1008","file":"Dockerfile","line":3,"column":5,
/// "endLine":3,"endColumn":14,"instruction":"RUN --bad …","message":"…","hint":"…"}</c></item>
/// <item><c>{"event":"error","step":3,"key":"sha256:…","instruction":"RUN make","file":"Dockerfile","line":4,"endLine":4,
/// "exitCode":2,"lastLines":["…"],"message":"process \"/bin/sh -c make\" did not complete successfully: exit code: 2"}</c>:
/// a failed step (<c>exitCode</c> only for a process that exited non-zero, <c>lastLines</c> then its last output
/// lines); any other failure is <c>{"event":"error","message":"…"}</c></item>
/// <item><c>{"event":"result","target":"final","names":["reg/app:1"],"manifestDigest":"sha256:…","configDigest":"sha256:…"}</c></item>
/// </list>
/// Written with <see cref="Utf8JsonWriter"/>: the CLI is published NativeAOT, without reflection-based serialisation.
/// </summary>
internal sealed class RawJsonProgress(TextWriter writer) : IBuildRenderer
{
    private readonly ConcurrentDictionary<StepKey, int> _numbers = new();
    private int _next;

    public void Started(BuildStep step, StepKey key)
    {
        int number = _numbers.GetOrAdd(key, _ => Interlocked.Increment(ref _next));
        Write(json =>
        {
            Common(json, "started", number, key);
            json.WriteString("name", step.Origin?.Instruction ?? step.GetType().Name);
            if (step.Origin is { } origin)
            {
                json.WriteString("file", origin.File);
                json.WriteNumber("line", origin.StartLine);
            }
        });
    }

    public void Cached(BuildStep step, StepKey key) => Write(json => Common(json, "cached", _numbers.GetValueOrDefault(key), key));

    public void CacheMissed(BuildStep step, StepKey key, IReadOnlyList<string> reasons) => Write(json =>
    {
        Common(json, "miss", _numbers.GetValueOrDefault(key), key);
        json.WriteStartArray("reasons");
        foreach (string reason in reasons) json.WriteStringValue(reason);
        json.WriteEndArray();
    });

    public void Output(BuildStep step, StepKey key, ContainerOutputLine line) => Write(json =>
    {
        Common(json, "output", _numbers.GetValueOrDefault(key), key);
        json.WriteString("stream", line.IsStandardError ? "stderr" : "stdout");
        json.WriteString("text", line.Text);
    });

    public void Finished(BuildStep step, StepKey key, TimeSpan elapsed) => Write(json =>
    {
        Common(json, "done", _numbers.GetValueOrDefault(key), key);
        json.WriteNumber("seconds", Math.Round(elapsed.TotalSeconds, 3));
    });

    public void Message(BuildMessage message) => Write(json =>
    {
        json.WriteString("event", message.Level == BuildMessageLevel.Warning ? "warning" : "message");
        json.WriteString("text", message.Text);
    });

    // The text is for the caret line plain and tty draw; a JSON reader has the span.
    public void Diagnostic(DockerfileDiagnostic diagnostic, string? dockerfileText) => Write(json =>
    {
        json.WriteString("event", "diagnostic");
        json.WriteString("severity", diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning");
        json.WriteString("code", diagnostic.Code);
        json.WriteString("file", diagnostic.Span.File);
        json.WriteNumber("line", diagnostic.Span.StartLine);
        json.WriteNumber("column", diagnostic.Span.StartColumn);
        json.WriteNumber("endLine", diagnostic.Span.EndLine);
        json.WriteNumber("endColumn", diagnostic.Span.EndColumn);
        json.WriteString("instruction", diagnostic.Instruction);
        json.WriteString("message", diagnostic.Message);
        if (diagnostic.Hint is not null) json.WriteString("hint", diagnostic.Hint);
    });

    public void StepFailed(StepFailedException failure) => Write(json =>
    {
        json.WriteString("event", "error");
        if (_numbers.TryGetValue(failure.Key, out int number)) json.WriteNumber("step", number);
        json.WriteString("key", failure.Key.ToString());
        json.WriteString("instruction", failure.Origin?.Instruction ?? failure.Step.GetType().Name);
        if (failure.Origin is { } origin)
        {
            json.WriteString("file", origin.File);
            json.WriteNumber("line", origin.StartLine);
            json.WriteNumber("endLine", origin.EndLine);
        }
        if (failure.ExitCode is { } exitCode) json.WriteNumber("exitCode", exitCode);
        json.WriteStartArray("lastLines");
        foreach (string line in failure.LastLines) json.WriteStringValue(line);
        json.WriteEndArray();
        json.WriteString("message", failure.Reason);
    });

    public void Error(string message) => Write(json =>
    {
        json.WriteString("event", "error");
        json.WriteString("message", message);
    });

    public void Completed(BuildCompletion result) => Write(json =>
    {
        json.WriteString("event", "result");
        json.WriteString("target", result.Target);
        json.WriteStartArray("names");
        foreach (var name in result.Names) json.WriteStringValue(name.ToString());
        json.WriteEndArray();
        json.WriteString("manifestDigest", result.Manifest.ToString());
        json.WriteString("configDigest", result.Config.ToString());
    });

    private static void Common(Utf8JsonWriter json, string kind, int number, StepKey key)
    {
        json.WriteString("event", kind);
        json.WriteNumber("step", number);
        json.WriteString("key", key.ToString());
    }

    private void Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            // When the event happened, as BuildKit's SolveStatus times vertexes: tools read step overlap from it.
            json.WriteString("time", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", System.Globalization.CultureInfo.InvariantCulture));
            body(json);
            json.WriteEndObject();
        }
        lock (writer) writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
