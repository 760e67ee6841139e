using System.Collections.Concurrent;
using Builder.Graph;
using Builder.Solver.Progress;

namespace Builder.Engine.Tests;

/// <summary>An <see cref="IBuildProgress"/> that keeps every event, in the order they came, from any thread.</summary>
internal sealed class RecordingProgress : IBuildProgress
{
    private readonly ConcurrentQueue<(string Event, BuildStep Step, StepKey Key)> _steps = new();
    private readonly ConcurrentQueue<BuildMessage> _messages = new();
    private readonly ConcurrentQueue<string> _output = new();

    /// <summary>Called on each step event as it happens (<c>Started</c>, <c>Cached</c>, <c>Finished</c>), while the build runs.</summary>
    public Action<string, BuildStep>? During { get; init; }

    /// <summary>Every step event: <c>Started</c>, <c>Cached</c> or <c>Finished</c>.</summary>
    public IReadOnlyList<(string Event, BuildStep Step, StepKey Key)> Steps => [.. _steps];

    /// <summary>The steps that ran (not those found in the build cache).</summary>
    public IReadOnlyList<(BuildStep Step, StepKey Key)> Started => [.. _steps.Where(s => s.Event == nameof(Started)).Select(s => (s.Step, s.Key))];

    /// <summary>The messages outside any step.</summary>
    public IReadOnlyList<BuildMessage> Messages => [.. _messages];

    /// <summary>The lines steps printed.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    void IBuildProgress.Started(BuildStep step, StepKey key) => Record(nameof(Started), step, key);

    void IBuildProgress.Cached(BuildStep step, StepKey key) => Record("Cached", step, key);

    void IBuildProgress.Output(BuildStep step, StepKey key, ContainerOutputLine line) => _output.Enqueue(line.Text);

    void IBuildProgress.Finished(BuildStep step, StepKey key, TimeSpan elapsed) => Record("Finished", step, key);

    private void Record(string name, BuildStep step, StepKey key)
    {
        _steps.Enqueue((name, step, key));
        During?.Invoke(name, step);
    }

    void IBuildProgress.Message(BuildMessage message) => _messages.Enqueue(message);
}
