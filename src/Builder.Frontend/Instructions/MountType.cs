namespace Builder.Frontend.Instructions;

/// <summary>The <c>type=</c> of <c>RUN --mount</c>.</summary>
public enum MountType
{
    /// <summary>A read-only (unless rw) view of the context or another stage.</summary>
    Bind,

    /// <summary>A directory kept between builds, never in a layer.</summary>
    Cache,

    /// <summary>An empty in-memory filesystem.</summary>
    Tmpfs,

    /// <summary>A secret file or environment variable, never in a layer.</summary>
    Secret,

    /// <summary>An SSH agent socket.</summary>
    Ssh,
}
