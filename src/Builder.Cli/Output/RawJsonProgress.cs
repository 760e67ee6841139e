using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Builder.Frontend.Diagnostics;
using Builder.Graph;
using Builder.Solver.Progress;
using Builder.Solver.Runtime;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Output;

/// <summary>
/// <c>--progress=rawjson</c>: one JSON object a line in the shape of BuildKit's <c>client.SolveStatus</c>
/// (client/graph.go), which <c>buildx build --progress=rawjson</c> writes, so tools that read buildx's read ours:
/// <list type="bullet">
/// <item><c>{"vertexes":[{"digest":"sha256:…","inputs":["sha256:…"],"name":"[build 2/3] RUN make","started":"…","completed":"…","cached":true,"error":"…"}]}</c>:
/// a step (its digest is its <see cref="StepKey"/>) or an internal activity (<c>[internal] load metadata for …</c>,
/// <c>exporting to image</c>) when it starts and when it ends; a failed step has <c>error</c>, a step the failure
/// stopped has <c>"error":"context canceled"</c>, as BuildKit's;</item>
/// <item><c>{"statuses":[{"id":"naming to docker.io/library/app:1","vertex":"sha256:…","current":0,"timestamp":"…","started":"…","completed":"…"}]}</c>:
/// a finished part of an activity;</item>
/// <item><c>{"logs":[{"vertex":"sha256:…","stream":1,"data":"aGVsbG8K","timestamp":"…"}]}</c>: a line a step printed
/// (<c>stream</c> 1 stdout, 2 stderr; <c>data</c> base64, the line and its newline), never clipped;</item>
/// <item><c>{"warnings":[{"level":1,"short":"…","detail":["…"],"sourceInfo":{"filename":"Dockerfile","language":"Dockerfile"},"range":[{"start":{"line":2,"character":1},"end":{"line":2,"character":9}}]}]}</c>:
/// a Dockerfile warning.</item>
/// </list>
/// Times are RFC 3339 with nanoseconds in UTC, as Go writes a <c>time.Time</c>. What SolveStatus has no place for is in
/// one extra field, <c>"imgbuild"</c>, which a SolveStatus reader ignores (the MSBuild task reads it): a diagnostic
/// <c>{"event":"diagnostic","severity":"error|warning","code":"IB1008","file":"Dockerfile","line":3,"column":5,"endLine":3,
/// "endColumn":14,"instruction":"RUN --bad …","message":"…","hint":"…"}</c>, a failed step <c>{"event":"error",
/// "vertex":"sha256:…","name":"[build 2/3] RUN make","instruction":"RUN make","file":"Dockerfile","line":4,"endLine":4,
/// "exitCode":2,"lastLines":["…"],"message":"process \"/bin/sh -c make\" did not complete successfully: exit code: 2"}</c>
/// (<c>exitCode</c> and <c>lastLines</c> for a process that exited non-zero), another failure
/// <c>{"event":"error","message":"…"}</c>, what the build says outside any step <c>{"event":"message|warning","text":"…"}</c>,
/// and the result <c>{"event":"result","target":"final","names":["reg/app:1"],"manifestDigest":"sha256:…","configDigest":"sha256:…"}</c>.
/// Written with <see cref="Utf8JsonWriter"/>: the CLI is published NativeAOT, without reflection-based serialisation.
/// </summary>
internal sealed class RawJsonProgress(TextWriter writer) : IBuildRenderer
{
    private readonly ConcurrentDictionary<object, Vertex> _vertexes = new();
    private int _activities;

    private sealed class Vertex(string digest, string name, IReadOnlyList<string> inputs)
    {
        public string Digest { get; } = digest;
        public string Name { get; } = name;
        public IReadOnlyList<string> Inputs { get; } = inputs;
        public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;
        public bool Completed { get; set; }
    }

    public void Started(BuildStep step, StepKey key)
    {
        if (StepLabel.IsShown(step)) WriteVertex(VertexOf(key, step), completed: null);
    }

    public void Cached(BuildStep step, StepKey key)
    {
        if (StepLabel.IsShown(step)) Complete(VertexOf(key, step), cached: true);
    }

    public void Output(BuildStep step, StepKey key, ContainerOutputLine line)
    {
        Vertex vertex = VertexOf(key, step);
        Write(json =>
        {
            json.WriteStartArray("logs");
            json.WriteStartObject();
            json.WriteString("vertex", vertex.Digest);
            json.WriteNumber("stream", line.IsStandardError ? 2 : 1);
            json.WriteBase64String("data", Encoding.UTF8.GetBytes(line.Text + "\n"));
            json.WriteString("timestamp", Time(DateTimeOffset.UtcNow));
            json.WriteEndObject();
            json.WriteEndArray();
        });
    }

    /// <summary>Why a step runs: an <c>imgbuild</c> <c>miss</c> event naming its vertex, with the reasons.</summary>
    public void CacheMissed(BuildStep step, StepKey key, IReadOnlyList<string> reasons)
    {
        Vertex vertex = VertexOf(key, step);
        Write(json => Extra(json, "miss", extra =>
        {
            extra.WriteString("vertex", vertex.Digest);
            extra.WriteString("name", vertex.Name);
            extra.WriteStartArray("reasons");
            foreach (string reason in reasons) extra.WriteStringValue(reason);
            extra.WriteEndArray();
        }));
    }

    public void Finished(BuildStep step, StepKey key, TimeSpan elapsed)
    {
        if (StepLabel.IsShown(step)) Complete(VertexOf(key, step), cached: false);
    }

    public void ActivityStarted(BuildActivity activity) => WriteVertex(VertexOf(activity, null), completed: null);

    public void ActivityStatus(BuildActivity activity, string status)
    {
        Vertex vertex = VertexOf(activity, null);
        string now = Time(DateTimeOffset.UtcNow);
        Write(json =>
        {
            json.WriteStartArray("statuses");
            json.WriteStartObject();
            json.WriteString("id", status);
            json.WriteString("vertex", vertex.Digest);
            json.WriteNumber("current", 0);
            json.WriteString("timestamp", now);
            json.WriteString("started", now);
            json.WriteString("completed", now);
            json.WriteEndObject();
            json.WriteEndArray();
        });
    }

    public void ActivityFinished(BuildActivity activity, TimeSpan elapsed) => Complete(VertexOf(activity, null), cached: false);

    public void Message(BuildMessage message) => Write(json => Extra(json, message.Level == BuildMessageLevel.Warning ? "warning" : "message", extra =>
        extra.WriteString("text", message.Text)));

    // A warning is also BuildKit's VertexWarning, where buildx shows lint warnings; the text is for the caret line
    // plain and tty draw, a JSON reader has the span.
    public void Diagnostic(DockerfileDiagnostic diagnostic, string? dockerfileText) => Write(json =>
    {
        if (diagnostic.Severity == DiagnosticSeverity.Warning)
        {
            json.WriteStartArray("warnings");
            json.WriteStartObject();
            json.WriteNumber("level", 1);
            json.WriteBase64String("short", Encoding.UTF8.GetBytes($"{diagnostic.Code}: {diagnostic.Message} (line {diagnostic.Span.StartLine})"));
            if (diagnostic.Hint is not null)
            {
                json.WriteStartArray("detail");
                json.WriteBase64StringValue(Encoding.UTF8.GetBytes(diagnostic.Hint));
                json.WriteEndArray();
            }
            json.WriteStartObject("sourceInfo");
            json.WriteString("filename", diagnostic.Span.File);
            json.WriteString("language", "Dockerfile");
            json.WriteEndObject();
            json.WriteStartArray("range");
            json.WriteStartObject();
            Position(json, "start", diagnostic.Span.StartLine, diagnostic.Span.StartColumn);
            Position(json, "end", diagnostic.Span.EndLine, diagnostic.Span.EndColumn);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
        }
        Extra(json, "diagnostic", extra =>
        {
            extra.WriteString("severity", diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning");
            extra.WriteString("code", diagnostic.Code);
            extra.WriteString("file", diagnostic.Span.File);
            extra.WriteNumber("line", diagnostic.Span.StartLine);
            extra.WriteNumber("column", diagnostic.Span.StartColumn);
            extra.WriteNumber("endLine", diagnostic.Span.EndLine);
            extra.WriteNumber("endColumn", diagnostic.Span.EndColumn);
            extra.WriteString("instruction", diagnostic.Instruction);
            extra.WriteString("message", diagnostic.Message);
            if (diagnostic.Hint is not null) extra.WriteString("hint", diagnostic.Hint);
        });
    });

    /// <summary>The failed vertex with its error, the running ones with <c>context canceled</c>, and the failure in <c>imgbuild</c>.</summary>
    public void StepFailed(StepFailedException failure, string? dockerfileText)
    {
        Vertex failed = VertexOf(failure.Key, failure.Step);
        failed.Completed = true;
        var stopped = _vertexes.Values.Where(v => !v.Completed).OrderBy(v => v.Started).ToList();
        foreach (Vertex vertex in stopped) vertex.Completed = true;
        DateTimeOffset now = DateTimeOffset.UtcNow;
        Write(json =>
        {
            json.WriteStartArray("vertexes");
            WriteVertexObject(json, failed, now, cached: false, error: failure.Reason);
            // progressui shows a vertex whose error ends in "context canceled" as CANCELED.
            foreach (Vertex vertex in stopped) WriteVertexObject(json, vertex, now, cached: false, error: "context canceled");
            json.WriteEndArray();
            Extra(json, "error", extra =>
            {
                extra.WriteString("vertex", failed.Digest);
                extra.WriteString("name", failed.Name);
                extra.WriteString("instruction", failure.Origin?.Instruction ?? failure.Step.GetType().Name);
                if (failure.Origin is { } origin)
                {
                    extra.WriteString("file", origin.File);
                    extra.WriteNumber("line", origin.StartLine);
                    extra.WriteNumber("endLine", origin.EndLine);
                }
                if (failure.ExitCode is { } exitCode) extra.WriteNumber("exitCode", exitCode);
                extra.WriteStartArray("lastLines");
                foreach (string line in failure.LastLines) extra.WriteStringValue(line);
                extra.WriteEndArray();
                extra.WriteString("message", failure.Reason);
            });
        });
    }

    public void Error(string message) => Write(json => Extra(json, "error", extra => extra.WriteString("message", message)));

    public void Completed(BuildCompletion result) => Write(json => Extra(json, "result", extra =>
    {
        extra.WriteString("target", result.Target);
        extra.WriteStartArray("names");
        foreach (var name in result.Names) extra.WriteStringValue(name.ToString());
        extra.WriteEndArray();
        extra.WriteString("manifestDigest", result.Manifest.ToString());
        extra.WriteString("configDigest", result.Config.ToString());
    }));

    private Vertex VertexOf(object key, BuildStep? step) => _vertexes.GetOrAdd(key, _ => step is null
        // An activity is no step: its digest is made from its name and the order it started in, so it is unique.
        ? new Vertex(ActivityDigest(((BuildActivity)key).Name), ((BuildActivity)key).Name, [])
        : new Vertex(((StepKey)key).ToString(), StepLabel.Of(step),
            [.. step.Inputs.Where(StepLabel.IsShown).Select(input => StepKey.Of(input).ToString())]));

    private string ActivityDigest(string name) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"imgbuild activity {Interlocked.Increment(ref _activities).ToString(CultureInfo.InvariantCulture)} {name}")));

    private void Complete(Vertex vertex, bool cached)
    {
        vertex.Completed = true;
        WriteVertex(vertex, DateTimeOffset.UtcNow, cached);
    }

    private void WriteVertex(Vertex vertex, DateTimeOffset? completed, bool cached = false) => Write(json =>
    {
        json.WriteStartArray("vertexes");
        WriteVertexObject(json, vertex, completed, cached, error: null);
        json.WriteEndArray();
    });

    // client.Vertex, its fields in its order and left out when empty (omitempty).
    private static void WriteVertexObject(Utf8JsonWriter json, Vertex vertex, DateTimeOffset? completed, bool cached, string? error)
    {
        json.WriteStartObject();
        json.WriteString("digest", vertex.Digest);
        if (vertex.Inputs.Count > 0)
        {
            json.WriteStartArray("inputs");
            foreach (string input in vertex.Inputs) json.WriteStringValue(input);
            json.WriteEndArray();
        }
        json.WriteString("name", vertex.Name);
        json.WriteString("started", Time(vertex.Started));
        if (completed is { } done) json.WriteString("completed", Time(done));
        if (cached) json.WriteBoolean("cached", true);
        if (error is not null) json.WriteString("error", error);
        json.WriteEndObject();
    }

    private static void Extra(Utf8JsonWriter json, string kind, Action<Utf8JsonWriter> body)
    {
        json.WriteStartObject("imgbuild");
        json.WriteString("event", kind);
        body(json);
        json.WriteEndObject();
    }

    // pb.Position: 1-based line, character as BuildKit's lint warnings carry it.
    private static void Position(Utf8JsonWriter json, string name, int line, int character)
    {
        json.WriteStartObject(name);
        json.WriteNumber("line", line);
        json.WriteNumber("character", character);
        json.WriteEndObject();
    }

    // Go's time.Time in JSON: RFC 3339 with up to nine fractional digits, trailing zeros dropped.
    private static string Time(DateTimeOffset time)
    {
        string fraction = time.UtcDateTime.ToString("fffffff", CultureInfo.InvariantCulture).TrimEnd('0');
        return time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + (fraction.Length > 0 ? "." + fraction : "") + "Z";
    }

    private void Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        lock (writer) writer.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
