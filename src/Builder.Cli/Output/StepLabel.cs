using Builder.Graph;

namespace Builder.Cli.Output;

/// <summary>
/// What progress calls a step, as buildx names BuildKit's vertexes: the frontend's name (<c>[build 2/3] RUN make</c>),
/// <c>[internal] load build context</c> for the build context, <c>[context NAME] load from client</c> for a named
/// context directory, else the instruction with its line. Control characters are escaped (<see cref="TerminalText"/>).
/// </summary>
internal static class StepLabel
{
    /// <summary>
    /// Whether progress shows <paramref name="step"/>: an empty filesystem (<c>FROM scratch</c>, the base of a COPY's
    /// sources) is no vertex in BuildKit (<c>llb.Scratch()</c>), so it is not shown.
    /// </summary>
    public static bool IsShown(BuildStep step) => step is not ScratchStep;

    /// <summary>The label of <paramref name="step"/>.</summary>
    public static string Of(BuildStep step) => TerminalText.Escape(step switch
    {
        { Origin.Name: { } name } => name,
        ContextSourceStep context when context.Name.StartsWith(ContextSourceStep.NamedPrefix + "context:", StringComparison.Ordinal)
            => "[internal] load build context " + context.Name[(ContextSourceStep.NamedPrefix.Length + "context:".Length)..],
        ContextSourceStep context when context.Name.StartsWith(ContextSourceStep.NamedPrefix, StringComparison.Ordinal)
            => $"[context {context.Name[ContextSourceStep.NamedPrefix.Length..]}] load from client",
        ContextSourceStep => "[internal] load build context",
        { Origin: { } origin } => $"[{origin.StartLine}] {origin.Instruction}",
        ImageSourceStep image => $"docker-image://{image.Image}",
        _ => step.GetType().Name,
    });
}
