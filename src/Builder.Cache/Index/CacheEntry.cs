using MessagePack;

namespace Builder.Cache.Index;

/// <summary>The stored form of a <see cref="CacheRecord"/> (MessagePack, fields by index so the format can grow).</summary>
[MessagePackObject]
public sealed record CacheEntry(
    [property: Key(0)] string MediaType,
    [property: Key(1)] string LayerDigest,
    [property: Key(2)] long Size,
    [property: Key(3)] string DiffId,
    [property: Key(4)] long CreatedTicks = 0);
