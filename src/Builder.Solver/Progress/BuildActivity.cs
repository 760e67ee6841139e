namespace Builder.Solver.Progress;

/// <summary>
/// Work of the build that is no step of the graph, shown in progress as BuildKit shows its internal vertexes:
/// <c>[internal] load build definition from Dockerfile</c>, <c>[internal] load metadata for docker.io/library/alpine:3.20</c>,
/// <c>exporting to image</c>. Its identity is the instance: two activities of one name are two lines of progress.
/// </summary>
/// <param name="name">What progress calls it, in BuildKit's words.</param>
public sealed class BuildActivity(string name)
{
    /// <summary>What progress calls it, in BuildKit's words.</summary>
    public string Name { get; } = name;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
