namespace Builder.Graph;

/// <summary>A directory of another input mounted into the container (<c>RUN --mount=type=bind</c>).</summary>
/// <param name="Input">The index into the step's inputs of the filesystem to mount.</param>
/// <param name="Source">The path inside that filesystem; <c>/</c> for its root.</param>
/// <param name="Target">The absolute path in the container.</param>
public sealed record BindMount(int Input, string Source, string Target) : ExecMount
{
    /// <summary>Whether the mount is read-only; the Dockerfile default (writes are discarded with <c>rw</c>).</summary>
    public bool ReadOnly { get; init; } = true;

    internal override string Kind => "bind";

    internal override int? InputIndex => Input;

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.Integer("input", Input);
        writer.String("source", Source);
        writer.String("target", Target);
        writer.Boolean("readOnly", ReadOnly);
    }

    internal override string Describe() => Target;
}
