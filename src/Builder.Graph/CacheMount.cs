namespace Builder.Graph;

/// <summary>
/// A persistent cache directory (<c>RUN --mount=type=cache</c>). Its content is not part of the step's key or
/// result; only where and how it is mounted is.
/// </summary>
/// <param name="Id">The cache id; the Dockerfile frontend defaults it to the target path.</param>
/// <param name="Target">The absolute path in the container.</param>
public sealed record CacheMount(string Id, string Target) : ExecMount
{
    /// <summary>How concurrent builds share the cache.</summary>
    public CacheSharing Sharing { get; init; } = CacheSharing.Shared;

    /// <summary>Whether the mount is read-only.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>The input whose <see cref="Source"/> seeds a new cache (<c>from=</c>), or <see langword="null"/> for empty.</summary>
    public int? FromInput { get; init; }

    /// <summary>The path in <see cref="FromInput"/> that seeds the cache (<c>source=</c>).</summary>
    public string? Source { get; init; }

    /// <summary>The permission bits of a new cache directory; <c>0755</c> by default.</summary>
    public int Mode { get; init; } = FileModes.Directory;

    /// <summary>The owner uid of a new cache directory.</summary>
    public int Uid { get; init; }

    /// <summary>The owner gid of a new cache directory.</summary>
    public int Gid { get; init; }

    internal override string Kind => "cache";

    internal override int? InputIndex => FromInput;

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.String("id", Id);
        writer.String("target", Target);
        writer.String("sharing", Sharing.ToString());
        writer.Boolean("readOnly", ReadOnly);
        writer.Integer("fromInput", FromInput);
        writer.String("source", Source);
        writer.String("mode", FileModes.Format(Mode));
        writer.Integer("uid", Uid);
        writer.Integer("gid", Gid);
    }

    internal override string Describe() => Target;
}
