using System.Buffers;
using MessagePack;

namespace Builder.Cache.BuildCache;

/// <summary>
/// The stored form of a <see cref="CacheRecord"/>: a MessagePack array of its fields in this order, so the format can
/// grow at the end (an entry written before <see cref="CreatedTicks"/> existed reads with 0). It is written and read
/// with MessagePack's low-level writer and reader, without a resolver that generates code at run time, so a build
/// that only looks up the cache starts fast.
/// </summary>
public sealed record CacheEntry(string MediaType, string LayerDigest, long Size, string DiffId, long CreatedTicks = 0)
{
    private const int FieldCount = 5;

    /// <summary>The entry as MessagePack bytes.</summary>
    public byte[] Serialize()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(FieldCount);
        writer.Write(MediaType);
        writer.Write(LayerDigest);
        writer.Write(Size);
        writer.Write(DiffId);
        writer.Write(CreatedTicks);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads an entry written by <see cref="Serialize"/> (or by an older version with fewer fields).</summary>
    /// <exception cref="MessagePackSerializationException">The bytes are not such an entry.</exception>
    public static CacheEntry Deserialize(ReadOnlyMemory<byte> bytes)
    {
        var reader = new MessagePackReader(bytes);
        try
        {
            int count = reader.ReadArrayHeader();
            if (count < 4) throw new MessagePackSerializationException($"a cache entry has {count} fields, not at least 4");
            string mediaType = reader.ReadString() ?? "";
            string layer = reader.ReadString() ?? "";
            long size = reader.ReadInt64();
            string diffId = reader.ReadString() ?? "";
            long created = count > 4 ? reader.ReadInt64() : 0;
            return new CacheEntry(mediaType, layer, size, diffId, created);
        }
        catch (EndOfStreamException e)
        {
            throw new MessagePackSerializationException("a cache entry ends early", e);
        }
    }
}
