namespace Builder.Graph;

/// <summary>A mount of an <see cref="ExecStep"/> (<c>RUN --mount=type=…</c>); one record per type.</summary>
public abstract record ExecMount
{
    private protected ExecMount()
    {
    }

    /// <summary>The mount type as <c>RUN --mount=type=</c> names it.</summary>
    internal abstract string Kind { get; }

    /// <summary>The index into the step's inputs this mount reads, if any.</summary>
    internal virtual int? InputIndex => null;

    internal abstract void WriteFields(IStepFieldWriter writer);

    internal abstract string Describe();
}
