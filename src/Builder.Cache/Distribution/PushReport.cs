using Builder.Oci;

namespace Builder.Cache.Distribution;

/// <summary>What a push did.</summary>
/// <param name="Root">The pushed manifest or index.</param>
/// <param name="BlobsUploaded">Blobs whose bytes were sent.</param>
/// <param name="BlobsSkipped">Blobs the registry already had or mounted from another repository.</param>
public sealed record PushReport(Descriptor Root, int BlobsUploaded, int BlobsSkipped);
