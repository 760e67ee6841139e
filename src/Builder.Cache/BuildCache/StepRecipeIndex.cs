using System.Buffers;
using System.Collections.Immutable;
using Builder.Oci;
using MessagePack;

namespace Builder.Cache.BuildCache;

/// <summary>
/// The recipes of built steps, to explain cache misses (<c>&lt;root&gt;/cache/explain/</c>), beside the
/// <see cref="CacheIndex"/>. A cache key cannot say which record a missed step is "closest" to, so recipes are kept
/// by a <em>shape</em>: the instruction as written, its stage and Dockerfile, which stay the same when an argument, a
/// file or the base image changes. Each shape keeps its newest <see cref="VariantsPerShape"/> recipes. A build
/// context's listing (each selected path with a 64-bit digest of its kind, mode and content) is kept per context
/// step, newest <see cref="VariantsPerShape"/> contents, so a miss can name the files that changed.
/// </summary>
/// <remarks>
/// Only a step that runs writes here, and only a step that misses reads here, so a build that finds every step in the
/// cache never touches these files. Files are written to a temporary name and renamed, as the index's are.
/// </remarks>
public sealed class StepRecipeIndex(string cacheDirectory)
{
    /// <summary>How many variants (recipes of one shape, listings of one context step) are kept.</summary>
    public const int VariantsPerShape = 4;

    private string Directory => Path.Combine(cacheDirectory, "explain");

    /// <summary>The recipes kept for <paramref name="shape"/>, newest first; empty when there are none or they are unreadable.</summary>
    public ImmutableArray<StepRecipe> Find(Digest shape)
    {
        byte[]? bytes = Read(Path.Combine(Directory, "step-" + shape.Encoded));
        if (bytes is null) return [];
        try
        {
            return StepRecipe.Deserialize(bytes);
        }
        catch (MessagePackSerializationException)
        {
            return [];
        }
    }

    /// <summary>Adds <paramref name="recipe"/> as the newest variant of <paramref name="shape"/> (replacing one with its cache key).</summary>
    public void Add(Digest shape, StepRecipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ImmutableArray<StepRecipe> kept = [recipe, .. Find(shape).Where(r => r.CacheKey != recipe.CacheKey).Take(VariantsPerShape - 1)];
        Write(Path.Combine(Directory, "step-" + shape.Encoded), StepRecipe.Serialize(kept));
    }

    /// <summary>The listing of context step <paramref name="contextStep"/> whose cache key was <paramref name="contentKey"/>, or null.</summary>
    public IReadOnlyDictionary<string, ulong>? FindListing(Digest contextStep, string contentKey) =>
        ReadListings(contextStep).FirstOrDefault(l => l.Key == contentKey).Entries;

    /// <summary>Keeps the listing of context step <paramref name="contextStep"/> for <paramref name="contentKey"/>, unless it is kept already.</summary>
    public void AddListing(Digest contextStep, string contentKey, Func<IEnumerable<KeyValuePair<string, ulong>>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        List<(string Key, IReadOnlyDictionary<string, ulong> Entries)> kept = ReadListings(contextStep);
        if (kept.Count > 0 && kept[0].Key == contentKey) return;
        var newest = entries().ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        kept = [(contentKey, newest), .. kept.Where(l => l.Key != contentKey).Take(VariantsPerShape - 1)];
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(kept.Count);
        foreach ((string key, IReadOnlyDictionary<string, ulong> listing) in kept)
        {
            writer.WriteArrayHeader(2);
            writer.Write(key);
            // Sorted paths, each after the previous one's shared prefix length: a tree's paths share most of their bytes.
            writer.WriteArrayHeader(listing.Count * 3);
            string previous = "";
            foreach ((string path, ulong digest) in listing.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                int shared = 0;
                while (shared < previous.Length && shared < path.Length && previous[shared] == path[shared]) shared++;
                writer.Write(shared);
                writer.Write(path[shared..]);
                writer.Write(digest);
                previous = path;
            }
        }
        writer.Flush();
        Write(Path.Combine(Directory, "context-" + contextStep.Encoded), buffer.WrittenSpan.ToArray());
    }

    /// <summary>The bytes all kept recipes and listings take, for measuring the index's growth.</summary>
    public long Size() => System.IO.Directory.Exists(Directory)
        ? new DirectoryInfo(Directory).EnumerateFiles().Sum(f => f.Length)
        : 0;

    private List<(string Key, IReadOnlyDictionary<string, ulong> Entries)> ReadListings(Digest contextStep)
    {
        byte[]? bytes = Read(Path.Combine(Directory, "context-" + contextStep.Encoded));
        var listings = new List<(string, IReadOnlyDictionary<string, ulong>)>();
        if (bytes is null) return listings;
        try
        {
            var reader = new MessagePackReader(bytes);
            int count = reader.ReadArrayHeader();
            for (int i = 0; i < count; i++)
            {
                reader.ReadArrayHeader();
                string key = reader.ReadString() ?? "";
                int entries = reader.ReadArrayHeader() / 3;
                var listing = new Dictionary<string, ulong>(entries, StringComparer.Ordinal);
                string previous = "";
                for (int e = 0; e < entries; e++)
                {
                    int shared = reader.ReadInt32();
                    string path = previous[..Math.Min(shared, previous.Length)] + reader.ReadString();
                    listing[path] = reader.ReadUInt64();
                    previous = path;
                }
                listings.Add((key, listing));
            }
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException)
        {
            listings.Clear(); // unreadable: no listings, and the next write replaces the file
        }
        return listings;
    }

    private static byte[]? Read(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private void Write(string path, byte[] bytes)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
