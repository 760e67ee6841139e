using Builder.Oci;

namespace Builder.Cache.Content;

/// <summary>Content written to the store does not have the digest (or size) it was announced with; it was not stored.</summary>
public sealed class DigestMismatchException : Exception
{
    /// <summary>Creates the exception, naming both digests and sizes.</summary>
    public DigestMismatchException(Digest expected, long? expectedSize, Digest actual, long actualSize)
        : base($"blob content does not match its descriptor: expected {expected}"
               + (expectedSize is long size ? $" ({size} bytes)" : "")
               + $", got {actual} ({actualSize} bytes); the content was discarded")
    {
        (Expected, ExpectedSize, Actual, ActualSize) = (expected, expectedSize, actual, actualSize);
    }

    /// <summary>The digest the content was announced with.</summary>
    public Digest Expected { get; }

    /// <summary>The size the content was announced with, if any.</summary>
    public long? ExpectedSize { get; }

    /// <summary>The digest of the content actually read.</summary>
    public Digest Actual { get; }

    /// <summary>The number of bytes actually read.</summary>
    public long ActualSize { get; }
}
