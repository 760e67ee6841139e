namespace Builder.Graph;

/// <summary>Where a step comes from: the file, the 1-based lines and the instruction as written.</summary>
/// <param name="File">The file the instruction is in, for example <c>Dockerfile</c>.</param>
/// <param name="StartLine">The first line of the instruction, 1-based.</param>
/// <param name="EndLine">The last line of the instruction (continuations and heredocs included), 1-based.</param>
/// <param name="Instruction">The instruction as the user wrote it, continuation lines joined.</param>
public sealed record StepOrigin(string File, int StartLine, int EndLine, string Instruction)
{
    /// <summary>The stage the instruction belongs to: its name, or its 0-based index when it has none.</summary>
    public string? Stage { get; init; }

    /// <summary>
    /// The step's name in progress, as BuildKit names the vertex (<c>[build 2/3] RUN make</c>, variables expanded);
    /// null when the frontend gave none, and progress then shows the instruction.
    /// </summary>
    public string? Name { get; init; }

    /// <summary><c>File:line</c> or <c>File:start-end</c> followed by the instruction.</summary>
    public override string ToString() =>
        (StartLine == EndLine ? $"{File}:{StartLine}" : $"{File}:{StartLine}-{EndLine}") + $" {Instruction}";
}
