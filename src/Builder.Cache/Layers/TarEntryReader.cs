using System.Globalization;
using System.Text;

namespace Builder.Cache.Layers;

/// <summary>
/// Reads tar members one by one: ustar (with its name prefix), PAX extended headers (path, linkpath, size, uid,
/// gid, mtime, <c>SCHILY.xattr.*</c>) and GNU long names (<c>L</c>/<c>K</c>) and base-256 numbers, which Docker
/// and older Go writers produce. Content not copied by the caller is skipped before the next header.
/// </summary>
internal sealed class TarEntryReader(Stream source)
{
    private readonly byte[] _block = new byte[TarHeaderWriter.BlockSize];
    private readonly Dictionary<string, byte[]> _global = new(StringComparer.Ordinal);
    private long _remaining;  // content bytes of the current entry not yet read
    private int _padding;      // padding after the current entry's content

    /// <summary>The next member, or <see langword="null"/> at the end-of-archive marker (or a clean end of stream).</summary>
    public async Task<TarEntry?> ReadNextAsync(CancellationToken cancellationToken)
    {
        await SkipContentAsync(cancellationToken).ConfigureAwait(false);
        Dictionary<string, byte[]> pax = new(_global, StringComparer.Ordinal);
        string? gnuName = null, gnuLink = null;
        while (true)
        {
            if (!await ReadBlockAsync(allowEnd: true, cancellationToken).ConfigureAwait(false))
                return null;
            if (_block.AsSpan().IndexOfAnyExcept((byte)0) < 0)
                return null; // end-of-archive: the second zero block and any padding are left to the caller
            VerifyChecksum();
            byte type = _block[156];
            long size = ParseNumber(_block.AsSpan(124, 12));
            switch (type)
            {
                case (byte)'x':
                    foreach ((string key, byte[] value) in ParseRecords(await ReadSmallAsync(size, cancellationToken).ConfigureAwait(false)))
                        pax[key] = value;
                    continue;
                case (byte)'g':
                    foreach ((string key, byte[] value) in ParseRecords(await ReadSmallAsync(size, cancellationToken).ConfigureAwait(false)))
                        _global[key] = pax[key] = value;
                    continue;
                case (byte)'L':
                    gnuName = Encoding.UTF8.GetString(await ReadSmallAsync(size, cancellationToken).ConfigureAwait(false)).TrimEnd('\0');
                    continue;
                case (byte)'K':
                    gnuLink = Encoding.UTF8.GetString(await ReadSmallAsync(size, cancellationToken).ConfigureAwait(false)).TrimEnd('\0');
                    continue;
            }

            string name = gnuName ?? ReadString(_block.AsSpan(0, 100));
            bool posix = _block.AsSpan(257, 6).SequenceEqual("ustar\0"u8);
            if (gnuName is null && posix && _block[345] != 0)
                name = ReadString(_block.AsSpan(345, 155)) + "/" + name;
            var xattrs = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
            foreach ((string key, byte[] value) in pax)
            {
                if (key.StartsWith("SCHILY.xattr.", StringComparison.Ordinal))
                    xattrs[key["SCHILY.xattr.".Length..]] = value;
            }
            if (pax.TryGetValue("path", out byte[]? path))
                name = Encoding.UTF8.GetString(path);
            string linkName = gnuLink ?? ReadString(_block.AsSpan(157, 100));
            if (pax.TryGetValue("linkpath", out byte[]? linkPath))
                linkName = Encoding.UTF8.GetString(linkPath);
            var entryType = (TarEntryType)(type is 0 or (byte)'7' ? (byte)'0' : type);
            var entry = new TarEntry(name, entryType)
            {
                Mode = ParseNumber(_block.AsSpan(100, 8)),
                Uid = PaxNumber(pax, "uid") ?? ParseNumber(_block.AsSpan(108, 8)),
                Gid = PaxNumber(pax, "gid") ?? ParseNumber(_block.AsSpan(116, 8)),
                Size = PaxNumber(pax, "size") ?? size,
                MTimeSeconds = PaxNumber(pax, "mtime") ?? ParseNumber(_block.AsSpan(136, 12)),
                LinkName = linkName,
                DeviceMajor = ParseNumber(_block.AsSpan(329, 8)),
                DeviceMinor = ParseNumber(_block.AsSpan(337, 8)),
                Xattrs = xattrs,
            };
            if (entry.Size < 0)
                throw new LayerFormatException(name, $"negative size {entry.Size}");
            _remaining = entry.Size;
            _padding = (int)((TarHeaderWriter.BlockSize - entry.Size % TarHeaderWriter.BlockSize) % TarHeaderWriter.BlockSize);
            return entry;
        }
    }

    /// <summary>Copies the current entry's content to <paramref name="destination"/> and skips its padding.</summary>
    public async Task CopyContentAsync(Stream destination, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[(int)Math.Min(_remaining, 1 << 20) is var n && n > 0 ? n : 1];
        while (_remaining > 0)
        {
            int read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, _remaining)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                throw new LayerFormatException(null, "the tar stream ends inside an entry's content");
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            _remaining -= read;
        }
        await SkipContentAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SkipContentAsync(CancellationToken cancellationToken)
    {
        long toSkip = _remaining + _padding;
        _remaining = 0;
        _padding = 0;
        byte[] buffer = new byte[(int)Math.Min(toSkip, 1 << 16) is var n && n > 0 ? n : 1];
        while (toSkip > 0)
        {
            int read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, toSkip)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                throw new LayerFormatException(null, "the tar stream ends inside an entry's content");
            toSkip -= read;
        }
    }

    private async Task<bool> ReadBlockAsync(bool allowEnd, CancellationToken cancellationToken)
    {
        int total = 0;
        while (total < _block.Length)
        {
            int read = await source.ReadAsync(_block.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (total == 0 && allowEnd)
                    return false;
                throw new LayerFormatException(null, "the tar stream ends inside a header");
            }
            total += read;
        }
        return true;
    }

    private async Task<byte[]> ReadSmallAsync(long size, CancellationToken cancellationToken)
    {
        if (size is < 0 or > 16 << 20)
            throw new LayerFormatException(null, $"an extended header of {size} bytes is too large");
        byte[] data = new byte[size];
        if (await source.ReadAtLeastAsync(data, data.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < data.Length)
            throw new LayerFormatException(null, "the tar stream ends inside an extended header");
        _padding = (int)((TarHeaderWriter.BlockSize - size % TarHeaderWriter.BlockSize) % TarHeaderWriter.BlockSize);
        await SkipContentAsync(cancellationToken).ConfigureAwait(false);
        return data;
    }

    private void VerifyChecksum()
    {
        long expected = ParseNumber(_block.AsSpan(148, 8));
        long unsigned = 0, signed = 0;
        for (int i = 0; i < _block.Length; i++)
        {
            byte value = i is >= 148 and < 156 ? (byte)' ' : _block[i];
            unsigned += value;
            signed += (sbyte)value;
        }
        if (expected != unsigned && expected != signed)
            throw new LayerFormatException(ReadString(_block.AsSpan(0, 100)), "the tar header checksum does not match: the stream is not a tar or is corrupt");
    }

    private static IEnumerable<KeyValuePair<string, byte[]>> ParseRecords(byte[] data)
    {
        int position = 0;
        while (position < data.Length)
        {
            int space = Array.IndexOf(data, (byte)' ', position);
            if (space < 0 || !int.TryParse(Encoding.ASCII.GetString(data, position, space - position), NumberStyles.None, CultureInfo.InvariantCulture, out int length)
                || length <= space - position || length > data.Length - position || data[position + length - 1] != '\n')
                throw new LayerFormatException(null, "malformed PAX extended header record");
            int equals = Array.IndexOf(data, (byte)'=', space, position + length - space);
            if (equals < 0)
                throw new LayerFormatException(null, "malformed PAX extended header record (no '=')");
            string key = Encoding.UTF8.GetString(data, space + 1, equals - space - 1);
            byte[] value = data[(equals + 1)..(position + length - 1)];
            position += length;
            yield return new(key, value);
        }
    }

    private static long? PaxNumber(Dictionary<string, byte[]> pax, string key)
    {
        if (!pax.TryGetValue(key, out byte[]? value))
            return null;
        string text = Encoding.ASCII.GetString(value);
        int dot = text.IndexOf('.');
        if (dot >= 0)
            text = text[..dot]; // fractional mtime: layers keep whole seconds
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number)
            ? number
            : throw new LayerFormatException(null, $"PAX record {key}='{text}' is not a number");
    }

    private static string ReadString(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    /// <summary>Octal digits (NUL or space terminated), or GNU base-256 when the high bit of the first byte is set.</summary>
    internal static long ParseNumber(ReadOnlySpan<byte> field)
    {
        if ((field[0] & 0x80) != 0)
        {
            long value = field[0] & 0x3f;
            foreach (byte b in field[1..])
                value = (value << 8) | b;
            return (field[0] & 0x40) != 0 ? -value : value;
        }
        long result = 0;
        foreach (byte b in field)
        {
            if (b is (byte)' ' or 0)
            {
                if (result != 0)
                    break;
                continue;
            }
            if (b is < (byte)'0' or > (byte)'7')
                throw new LayerFormatException(null, $"'{Encoding.ASCII.GetString(field)}' is not an octal tar number");
            result = (result << 3) | (uint)(b - '0');
        }
        return result;
    }
}
