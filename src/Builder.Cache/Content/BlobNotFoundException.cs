using Builder.Oci;

namespace Builder.Cache.Content;

/// <summary>A blob that was asked for by digest is not in the store it was asked of.</summary>
public sealed class BlobNotFoundException(Digest digest, string where)
    : Exception($"blob {digest} is not in {where}")
{
    /// <summary>The digest that was asked for.</summary>
    public Digest Digest { get; } = digest;
}
