using Builder.Cache.Images;
using Builder.Oci;
using MessagePack;

namespace Builder.Cache.BuildCache;

/// <summary>
/// The build cache index: a cache key (a digest of a step's definition and its inputs' keys, made by the solver)
/// mapped to the layer that step produced. One MessagePack file per key under <c>&lt;root&gt;/cache/</c>, written to a
/// temporary file and renamed, so concurrent builds never see half an entry. Each entry's layer is registered as a
/// garbage-collection root, so <c>prune</c> keeps what the cache points at.
/// </summary>
public sealed class CacheIndex(ImageStore images)
{
    private string Directory => images.Content.Layout.CacheIndex;

    /// <summary>The record for <paramref name="key"/>, or <see langword="null"/> when there is none or its layer blob is gone.</summary>
    public CacheRecord? Find(Digest key)
    {
        string path = PathOf(key);
        if (!File.Exists(path)) return null;
        CacheEntry entry;
        try
        {
            entry = CacheEntry.Deserialize(File.ReadAllBytes(path));
        }
        catch (MessagePackSerializationException)
        {
            return null; // an unreadable entry is a miss, and the next build overwrites it
        }
        if (!Digest.TryParse(entry.LayerDigest, out Digest layer) || !Digest.TryParse(entry.DiffId, out Digest diffId) || !images.Content.Contains(layer))
            return null;
        // The file's time is the record's last use: the least recently used records go first when the store is capped.
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (IOException)
        {
            // pruned meanwhile: still a valid hit for this build, whose blob is in use
        }
        return new CacheRecord(new Descriptor(entry.MediaType, layer, entry.Size), diffId)
        {
            Created = entry.CreatedTicks > 0 ? new DateTimeOffset(entry.CreatedTicks, TimeSpan.Zero) : null,
        };
    }

    /// <summary>Remembers <paramref name="record"/> for <paramref name="key"/>.</summary>
    public async Task AddAsync(Digest key, CacheRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        System.IO.Directory.CreateDirectory(Directory);
        await images.AddRootAsync("cache-" + key.Encoded, record.Layer.Digest, cancellationToken).ConfigureAwait(false);
        var entry = new CacheEntry(record.Layer.MediaType, record.Layer.Digest.ToString(), record.Layer.Size, record.DiffId.ToString(),
            record.Created?.UtcTicks ?? 0);
        string path = PathOf(key), temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(temporary, entry.Serialize(), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Every record with its key and the time it was last used (made or found).</summary>
    public IReadOnlyList<(Digest Key, CacheRecord Record, DateTime LastUsedUtc)> List()
    {
        var records = new List<(Digest, CacheRecord, DateTime)>();
        if (!System.IO.Directory.Exists(Directory)) return records;
        foreach (FileInfo file in new DirectoryInfo(Directory).EnumerateFiles())
        {
            if (file.Name.EndsWith(".tmp", StringComparison.Ordinal) || !Digest.TryParse("sha256:" + file.Name, out Digest key)) continue;
            try
            {
                CacheEntry entry = CacheEntry.Deserialize(File.ReadAllBytes(file.FullName));
                if (!Digest.TryParse(entry.LayerDigest, out Digest layer) || !Digest.TryParse(entry.DiffId, out Digest diffId)) continue;
                records.Add((key, new CacheRecord(new Descriptor(entry.MediaType, layer, entry.Size), diffId), file.LastWriteTimeUtc));
            }
            catch (Exception e) when (e is MessagePackSerializationException or IOException)
            {
                // unreadable or just removed: not a record
            }
        }
        return records;
    }

    /// <summary>Removes the record for <paramref name="key"/> and its hold on the layer blob.</summary>
    public async Task RemoveAsync(Digest key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        await images.RemoveRootAsync("cache-" + key.Encoded, cancellationToken).ConfigureAwait(false);
    }

    private string PathOf(Digest key) => Path.Combine(Directory, key.Encoded);
}
