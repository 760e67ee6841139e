using System.IO.Compression;
using Builder.Oci;
using ZstdSharp;

namespace Builder.Cache.Layers;

/// <summary>
/// Applies a layer blob (gzip, zstd or plain tar, told apart by magic bytes) onto a directory, as when unpacking
/// a base image: whiteouts delete lower paths, an opaque marker empties its directory's lower contents, and every
/// entry that would land outside the root is refused with a <see cref="LayerFormatException"/>.
/// </summary>
/// <remarks>
/// Names are cleaned as Docker does: a leading '/' is dropped and <c>a/../b</c> is <c>b</c>, but a <c>..</c>
/// that climbs above the root is an error. Existing symlinks in a parent path are followed as inside a chroot
/// (an absolute target starts at the root, as containerd's fs.RootPath and Docker's chrooted unpack do); a
/// relative target climbing above the root is an error. The last component is never followed: an existing entry
/// of another type is removed first (layer.md, "Changeset over existing files"). Run as root to keep ownership,
/// device nodes and trusted.* attributes.
/// </remarks>
public static class LayerApplier
{
    private static readonly byte[] GzipMagic = [0x1f, 0x8b];
    private static readonly byte[] ZstdMagic = [0x28, 0xb5, 0x2f, 0xfd];

    /// <summary>
    /// Applies <paramref name="blob"/> onto <paramref name="rootDirectory"/>. When <paramref name="expectedDiffId"/>
    /// is given, a different digest of the uncompressed tar is an error, raised after the entries are written:
    /// the caller then discards the directory.
    /// </summary>
    /// <exception cref="LayerFormatException">An unsafe or malformed entry, or a diffID mismatch.</exception>
    public static Task<LayerApplyResult> ApplyAsync(
        Stream blob, string rootDirectory, Digest? expectedDiffId = null, CancellationToken cancellationToken = default) =>
        ApplyAsync(blob, rootDirectory, expectedDiffId, WhiteoutHandling.Apply, cancellationToken);

    /// <summary>
    /// Unpacks <paramref name="blob"/> alone into <paramref name="directory"/> to serve as an overlayfs lower directory
    /// (a cached layer imported from elsewhere): whiteouts become overlayfs whiteouts instead of deletions.
    /// </summary>
    /// <exception cref="LayerFormatException">An unsafe or malformed entry, or a diffID mismatch.</exception>
    public static Task<LayerApplyResult> UnpackForOverlayAsync(Stream blob, string directory, Digest expectedDiffId, CancellationToken cancellationToken = default) =>
        ApplyAsync(blob, directory, expectedDiffId, WhiteoutHandling.Overlay, cancellationToken);

    private static async Task<LayerApplyResult> ApplyAsync(
        Stream blob, string rootDirectory, Digest? expectedDiffId, WhiteoutHandling whiteouts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"cannot apply a layer onto '{rootDirectory}': it does not exist");

        byte[] magic = new byte[4];
        int sniffed = await blob.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        Stream raw = new PrefixedReadStream(magic[..sniffed], blob);
        Stream uncompressed =
            magic.AsSpan(0, sniffed).StartsWith(GzipMagic) ? new GZipStream(raw, CompressionMode.Decompress, leaveOpen: true)
            : magic.AsSpan(0, sniffed).StartsWith(ZstdMagic) ? new DecompressionStream(raw, leaveOpen: true)
            : raw;
        try
        {
            using var hashing = new HashingReadStream(uncompressed);
            var extractor = new LayerExtractor(root, new TarEntryReader(hashing), whiteouts);
            await extractor.ExtractAsync(cancellationToken).ConfigureAwait(false);
            Digest diffId = await hashing.DrainAndFinishAsync(cancellationToken).ConfigureAwait(false);
            if (expectedDiffId is Digest expected && expected != diffId)
                throw new LayerFormatException(null,
                    $"the layer's diffID is {diffId}, not the expected {expected}: the blob is corrupt or belongs to another image");
            return new LayerApplyResult(diffId, hashing.BytesRead);
        }
        catch (InvalidDataException e)
        {
            throw new LayerFormatException(null, $"the layer's compressed data is corrupt: {e.Message}");
        }
        finally
        {
            if (!ReferenceEquals(uncompressed, raw))
                await uncompressed.DisposeAsync().ConfigureAwait(false);
        }
    }
}
