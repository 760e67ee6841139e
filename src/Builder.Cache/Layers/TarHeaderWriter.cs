using System.Text;

namespace Builder.Cache.Layers;

/// <summary>
/// Encodes a <see cref="TarEntry"/> as a ustar header, preceded by a PAX extended header when a value does not fit
/// ustar: a name or link name longer than 100 bytes or not ASCII, a size of 8 GiB or more, a uid or gid above
/// 2097151, a negative or huge mtime, or any xattr. This is what Go's archive/tar does with
/// <c>Format = FormatPAX</c> (as containerd's and BuildKit's layer writers set): numeric uid/gid, empty
/// uname/gname, no atime/ctime, PAX records sorted by key, no ustar prefix splitting.
/// </summary>
internal static class TarHeaderWriter
{
    public const int BlockSize = 512;
    private const long MaxOctal11 = (1L << 33) - 1; // 11 octal digits: sizes and mtimes
    private const long MaxOctal7 = (1L << 21) - 1;  // 7 octal digits: mode, uid, gid, device numbers

    /// <summary>The header block(s) of <paramref name="entry"/>; the content and its padding follow separately.</summary>
    public static byte[] Encode(TarEntry entry)
    {
        var records = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (!FitsUstarString(entry.Name, 100))
            records["path"] = Encoding.UTF8.GetBytes(entry.Name);
        if (!FitsUstarString(entry.LinkName, 100))
            records["linkpath"] = Encoding.UTF8.GetBytes(entry.LinkName);
        AddNumericRecord(records, "size", entry.Size, MaxOctal11);
        AddNumericRecord(records, "uid", entry.Uid, MaxOctal7);
        AddNumericRecord(records, "gid", entry.Gid, MaxOctal7);
        AddNumericRecord(records, "mtime", entry.MTimeSeconds, MaxOctal11);
        foreach ((string name, byte[] value) in entry.Xattrs)
            records["SCHILY.xattr." + name] = value;
        if (entry.DeviceMajor is < 0 or > MaxOctal7 || entry.DeviceMinor is < 0 or > MaxOctal7)
            throw new LayerFormatException(entry.Name, "device numbers above 2097151 do not fit a tar header");

        byte[] header = UstarHeader(entry);
        if (records.Count == 0)
            return header;

        byte[] data = EncodeRecords(records);
        // Go names the extended header <dir>/PaxHeaders.0/<base>; readers ignore the name.
        int slash = entry.Name.TrimEnd('/').LastIndexOf('/');
        string paxName = slash < 0 ? "PaxHeaders.0/" + entry.Name : entry.Name[..(slash + 1)] + "PaxHeaders.0/" + entry.Name[(slash + 1)..];
        byte[] paxHeader = UstarHeader(new TarEntry(paxName, (TarEntryType)'x') { Size = data.Length });
        int padded = Pad(data.Length);
        byte[] result = new byte[paxHeader.Length + padded + header.Length];
        paxHeader.CopyTo(result, 0);
        data.CopyTo(result, paxHeader.Length);
        header.CopyTo(result, paxHeader.Length + padded);
        return result;
    }

    /// <summary><paramref name="length"/> rounded up to a whole number of 512-byte blocks.</summary>
    public static int Pad(int length) => (length + BlockSize - 1) / BlockSize * BlockSize;

    /// <summary>PAX records "%d %s=%s\n", the length counting itself (pax.html, "pax Extended Header").</summary>
    public static byte[] EncodeRecords(SortedDictionary<string, byte[]> records)
    {
        var output = new MemoryStream();
        foreach ((string key, byte[] value) in records)
        {
            byte[] keyBytes = Encoding.UTF8.GetBytes(key);
            int bare = keyBytes.Length + value.Length + 3;
            int length = bare + Digits(bare);
            if (Digits(length) != Digits(bare))
                length = bare + Digits(length);
            output.Write(Encoding.ASCII.GetBytes(length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " "));
            output.Write(keyBytes);
            output.WriteByte((byte)'=');
            output.Write(value);
            output.WriteByte((byte)'\n');
        }
        return output.ToArray();
    }

    private static int Digits(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;

    private static void AddNumericRecord(SortedDictionary<string, byte[]> records, string key, long value, long max)
    {
        if (value < 0 || value > max)
            records[key] = Encoding.ASCII.GetBytes(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static bool FitsUstarString(string value, int size) =>
        value.Length <= size && Ascii.IsValid(value) && !value.Contains('\0');

    private static byte[] UstarHeader(TarEntry entry)
    {
        byte[] block = new byte[BlockSize];
        Span<byte> b = block;
        WriteString(b[0..100], entry.Name);
        WriteOctal(b[100..108], entry.Mode);
        WriteOctal(b[108..116], entry.Uid);
        WriteOctal(b[116..124], entry.Gid);
        WriteOctal(b[124..136], entry.Size);
        WriteOctal(b[136..148], entry.MTimeSeconds);
        b[156] = (byte)entry.Type;
        WriteString(b[157..257], entry.LinkName);
        "ustar\0"u8.CopyTo(b[257..]);
        "00"u8.CopyTo(b[263..]);
        // uname and gname stay empty: the layer carries numeric ids only.
        WriteOctal(b[329..337], entry.DeviceMajor);
        WriteOctal(b[337..345], entry.DeviceMinor);
        b[148..156].Fill((byte)' ');
        int sum = 0;
        foreach (byte value in block)
            sum += value;
        WriteOctal(b[148..155], sum); // six digits and a NUL, then the space already there
        return block;
    }

    /// <summary>ASCII only and truncated to the field: the full value is then in a PAX record.</summary>
    private static void WriteString(Span<byte> field, string value)
    {
        int i = 0;
        foreach (char c in value)
        {
            if (i == field.Length)
                break;
            if (c is > '\0' and < (char)0x80)
                field[i++] = (byte)c;
        }
    }

    /// <summary>Zero-padded octal and a NUL, or zero when it does not fit (the PAX record then holds it).</summary>
    private static void WriteOctal(Span<byte> field, long value)
    {
        if (value < 0 || value >= 1L << (3 * (field.Length - 1)))
            value = 0;
        string digits = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Encoding.ASCII.GetBytes(digits, field);
        field[^1] = 0;
    }
}
