using Builder.Graph;
using Builder.Solver.Runtime;

namespace Builder.Solver.Scheduling;

/// <summary>A step of the build failed; <see cref="Exception.InnerException"/> says why. The other steps were stopped.</summary>
public sealed class StepFailedException(BuildStep step, Exception inner)
    : Exception($"{Describe(step)}: {inner.Message}", inner)
{
    /// <summary>The step that failed.</summary>
    public BuildStep Step { get; } = step;

    /// <summary>The failed step's key: the one its progress events carried.</summary>
    public StepKey Key { get; } = StepKey.Of(step);

    /// <summary>Where the step was written (file, lines, instruction); null for a step no instruction made.</summary>
    public StepOrigin? Origin => Step.Origin;

    /// <summary>Why it failed, in one line: for a RUN, its command and exit status without the output lines.</summary>
    public string Reason { get; } = inner is ExecFailedException exec ? exec.Summary : inner.Message;

    /// <summary>The exit status of a RUN's process; null when the step failed otherwise.</summary>
    public int? ExitCode { get; } = (inner as ExecFailedException)?.ExitCode;

    /// <summary>The last lines a RUN's process printed, oldest first; empty when the step failed otherwise.</summary>
    public IReadOnlyList<string> LastLines { get; } = (inner as ExecFailedException)?.LastLines ?? [];

    private static string Describe(BuildStep step) =>
        step.Origin is { } origin ? $"{origin.File}:{origin.StartLine}: {origin.Instruction}" : step.Describe();
}
