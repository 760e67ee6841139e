namespace Builder.Oci;

/// <summary>One entry of an image config's <c>history</c>: how one layer (or an empty step) was made.</summary>
public sealed record HistoryEntry
{
    /// <summary>When the layer was created.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>The command that created the layer, for example <c>RUN /bin/sh -c apk add curl # buildkit</c>.</summary>
    public string? CreatedBy { get; init; }

    /// <summary>The author of the build point.</summary>
    public string? Author { get; init; }

    /// <summary>A custom message.</summary>
    public string? Comment { get; init; }

    /// <summary>Whether the step made no layer (ENV, CMD, …), so no DiffID belongs to this entry.</summary>
    public bool EmptyLayer { get; init; }
}
