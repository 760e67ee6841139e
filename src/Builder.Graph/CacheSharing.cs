namespace Builder.Graph;

/// <summary>How concurrent builds share a <see cref="CacheMount"/> (<c>sharing=</c>).</summary>
public enum CacheSharing
{
    /// <summary>Concurrent writers use the same directory.</summary>
    Shared,

    /// <summary>Each concurrent writer gets its own directory.</summary>
    Private,

    /// <summary>A second writer waits until the first releases the directory.</summary>
    Locked,
}
