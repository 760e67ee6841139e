using System.IO.Compression;
using Builder.Cache.Layers;

namespace Builder.Cache.Tests.Layers;

/// <summary>Writes layers to memory and applies them, for the tests.</summary>
internal static class LayerTestIO
{
    public static async Task<(LayerWriteResult Result, byte[] Blob)> WriteAsync(LayerSource source, LayerWriteOptions? options = null)
    {
        var blob = new MemoryStream();
        LayerWriteResult result = await LayerWriter.WriteAsync(source, blob, options);
        return (result, blob.ToArray());
    }

    public static async Task<byte[]> WriteTarAsync(LayerSource source, DateTimeOffset? epoch = null)
    {
        (_, byte[] blob) = await WriteAsync(source, new LayerWriteOptions { Compression = LayerCompression.Uncompressed, SourceDateEpoch = epoch });
        return blob;
    }

    public static Task<LayerApplyResult> ApplyAsync(byte[] blob, string root, Builder.Oci.Digest? expected = null) =>
        LayerApplier.ApplyAsync(new MemoryStream(blob), root, expected);

    public static byte[] Gunzip(byte[] blob)
    {
        using var gzip = new GZipStream(new MemoryStream(blob), CompressionMode.Decompress);
        var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
