namespace Builder.Graph;

/// <summary>An in-memory filesystem (<c>RUN --mount=type=tmpfs</c>).</summary>
/// <param name="Target">The absolute path in the container.</param>
public sealed record TmpfsMount(string Target) : ExecMount
{
    /// <summary>The size limit in bytes, or <see langword="null"/> for the kernel default.</summary>
    public long? Size { get; init; }

    internal override string Kind => "tmpfs";

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.String("target", Target);
        writer.Integer("size", Size);
    }

    internal override string Describe() => Target;
}
