using Builder.Graph;

namespace Builder.Solver.Scheduling;

/// <summary>A step of the build failed; <see cref="Exception.InnerException"/> says why. The other steps were stopped.</summary>
public sealed class StepFailedException(BuildStep step, Exception inner)
    : Exception($"{Describe(step)}: {inner.Message}", inner)
{
    /// <summary>The step that failed.</summary>
    public BuildStep Step { get; } = step;

    private static string Describe(BuildStep step) =>
        step.Origin is { } origin ? $"{origin.File}:{origin.StartLine}: {origin.Instruction}" : step.Describe();
}
