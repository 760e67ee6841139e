using System.Collections.Concurrent;
using System.Text.Json;
using Builder.Solver.Execution;
using Builder.Graph;

namespace Builder.Cli.Output;

/// <summary>
/// <c>--progress=rawjson</c>: one JSON object per event and line, for CI tools to read:
/// <c>{"event":"started|cached|output|done","step":N,"key":"sha256:…","name":"RUN …","seconds":…,"stream":"stdout|stderr","text":…}</c>.
/// </summary>
internal sealed class RawJsonProgress(TextWriter writer) : IBuildProgress
{
    private readonly ConcurrentDictionary<StepKey, int> _numbers = new();
    private int _next;

    public void Started(BuildStep step, StepKey key)
    {
        int number = _numbers.GetOrAdd(key, _ => Interlocked.Increment(ref _next));
        Write(json => { Common(json, "started", number, key); json.WriteString("name", step.Origin?.Instruction ?? step.GetType().Name); });
    }

    public void Cached(BuildStep step, StepKey key) => Write(json => Common(json, "cached", _numbers.GetValueOrDefault(key), key));

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
            body(json);
            json.WriteEndObject();
        }
        lock (writer) writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
