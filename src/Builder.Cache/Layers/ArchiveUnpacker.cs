using System.IO.Compression;
using SharpCompress.Compressors.BZip2;
using SharpCompress.Compressors.Xz;
using ZstdSharp;

namespace Builder.Cache.Layers;

/// <summary>
/// Unpacks a local tar archive as Dockerfile ADD does: plain, gzip, bzip2, xz or zstd, told apart by magic bytes,
/// and recognised as an archive only when its first block is a valid tar header (Docker's <c>IsArchivePath</c>);
/// anything else is left for a plain copy. Entries keep their modes, times and owners (or the one owner given),
/// <c>.wh.</c> names are ordinary files, and the safety rules of <see cref="LayerApplier"/> hold: no entry lands
/// outside the destination.
/// </summary>
public static class ArchiveUnpacker
{
    private static readonly byte[] GzipMagic = [0x1f, 0x8b];
    private static readonly byte[] Bzip2Magic = "BZh"u8.ToArray();
    private static readonly byte[] XzMagic = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
    private static readonly byte[] ZstdMagic = [0x28, 0xb5, 0x2f, 0xfd];

    /// <summary>Whether <paramref name="path"/> is a tar archive, compressed or not, that ADD unpacks.</summary>
    public static bool IsArchive(string path)
    {
        try
        {
            using FileStream file = File.OpenRead(path);
            using Stream tar = Decompress(file);
            byte[] header = new byte[TarHeaderWriter.BlockSize];
            return tar.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length && IsTarHeader(header);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or ZstdException or SharpCompress.Common.SharpCompressException)
        {
            return false; // damaged compressed data: not something ADD unpacks
        }
    }

    /// <summary>
    /// Unpacks the archive at <paramref name="path"/> into <paramref name="destination"/> (which must exist), giving every
    /// entry <paramref name="owner"/> when set.
    /// </summary>
    /// <exception cref="LayerFormatException">An entry that would land outside the destination, or a malformed archive.</exception>
    public static async Task UnpackAsync(string path, string destination, (int Uid, int Gid)? owner, CancellationToken cancellationToken)
    {
        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(destination));
        await using FileStream file = File.OpenRead(path);
        await using Stream tar = Decompress(file);
        try
        {
            await new LayerExtractor(root, new TarEntryReader(tar), WhiteoutHandling.Keep, owner).ExtractAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or ZstdException or SharpCompress.Common.SharpCompressException)
        {
            throw new LayerFormatException(null, $"the archive's compressed data is corrupt: {e.Message}");
        }
    }

    private static Stream Decompress(FileStream file)
    {
        Span<byte> magic = stackalloc byte[6];
        int read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        file.Position = 0;
        magic = magic[..read];
        if (magic.StartsWith(GzipMagic)) return new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
        if (magic.StartsWith(ZstdMagic)) return new DecompressionStream(file, leaveOpen: true);
        if (magic.StartsWith(XzMagic)) return new XZStream(file);
        if (magic.StartsWith(Bzip2Magic)) return BZip2Stream.Create(file, SharpCompress.Compressors.CompressionMode.Decompress, decompressConcatenated: true, leaveOpen: true);
        return file; // plain tar (disposing it twice is harmless)
    }

    // A header block: not all zeros, and its checksum (the sum of its bytes with the checksum field read as spaces,
    // unsigned or, as old writers did, signed) matches the octal number recorded in it.
    private static bool IsTarHeader(ReadOnlySpan<byte> block)
    {
        if (block.IndexOfAnyExcept((byte)0) < 0) return false;
        long unsigned = 0, signed = 0;
        for (int i = 0; i < block.Length; i++)
        {
            byte b = i is >= 148 and < 156 ? (byte)' ' : block[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        ReadOnlySpan<byte> field = block.Slice(148, 8);
        long recorded = 0;
        bool digits = false;
        foreach (byte b in field)
        {
            if (b is >= (byte)'0' and <= (byte)'7') { recorded = recorded * 8 + (b - '0'); digits = true; }
            else if (b is 0 or (byte)' ' && digits) break;
            else if (b is not (0 or (byte)' ')) return false;
        }
        return digits && (recorded == unsigned || recorded == signed);
    }
}
