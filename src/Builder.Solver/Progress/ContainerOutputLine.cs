namespace Builder.Solver.Progress;

/// <summary>One line a container process wrote, for progress and for the error of a failed step.</summary>
/// <param name="IsStandardError">Whether it came from stderr rather than stdout.</param>
/// <param name="Text">The line without its newline.</param>
public readonly record struct ContainerOutputLine(bool IsStandardError, string Text);
