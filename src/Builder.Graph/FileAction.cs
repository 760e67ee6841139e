namespace Builder.Graph;

/// <summary>One operation of a <see cref="FileStep"/>: copy, mkdir, mkfile or rm.</summary>
public abstract record FileAction
{
    private protected FileAction()
    {
    }

    internal abstract string Kind { get; }

    internal abstract void WriteFields(IStepFieldWriter writer);

    internal abstract string Describe();
}
