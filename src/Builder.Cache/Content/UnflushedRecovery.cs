namespace Builder.Cache.Content;

/// <summary>What <see cref="UnflushedWrites.RecoverEarlierBoots"/> found.</summary>
public sealed class UnflushedRecovery
{
    /// <summary>Windows of earlier boots checked (markers removed).</summary>
    public int WindowsChecked { get; internal set; }

    /// <summary>Blobs written in those windows and hashed.</summary>
    public int BlobsChecked { get; internal set; }

    /// <summary>Blobs whose content no longer matched their digest, removed.</summary>
    public int BlobsRemoved { get; internal set; }

    /// <summary>Unpacked layers, base image trees, cache records and compressed-blob names dropped, to be made again.</summary>
    public int DerivedRemoved { get; internal set; }
}
