namespace Builder.Graph;

/// <summary>An empty filesystem (<c>FROM scratch</c>).</summary>
public sealed record ScratchStep : BuildStep
{
    internal override string Kind => "scratch";

    internal override void WriteFields(IStepFieldWriter writer)
    {
    }

    internal override string Describe() => "scratch";
}
