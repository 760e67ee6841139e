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
/// step (a file per content), newest <see cref="VariantsPerShape"/> contents, so a miss can name the files that changed.
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
    public IReadOnlyDictionary<string, ulong>? FindListing(Digest contextStep, string contentKey)
    {
        byte[]? bytes = Read(ListingPath(contextStep, contentKey));
        if (bytes is null) return null;
        try
        {
            var reader = new MessagePackReader(bytes);
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
            return listing;
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException)
        {
            return null; // unreadable: the files cannot be named, only that they changed
        }
    }

    /// <summary>
    /// Keeps the listing of context step <paramref name="contextStep"/> for <paramref name="contentKey"/> (one file each,
    /// written once), and removes that step's listings beyond the newest <see cref="VariantsPerShape"/>.
    /// </summary>
    public void AddListing(Digest contextStep, string contentKey, Func<IEnumerable<KeyValuePair<string, ulong>>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        string path = ListingPath(contextStep, contentKey);
        if (File.Exists(path))
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow); // the newest again
            return;
        }
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        var writer = new MessagePackWriter(buffer);
        // Sorted paths, each after the length of the prefix it shares with the previous one: a tree's paths share most of their bytes.
        KeyValuePair<string, ulong>[] sorted = [.. entries()];
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        writer.WriteArrayHeader(sorted.Length * 3);
        string previous = "";
        foreach ((string entry, ulong digest) in sorted)
        {
            int shared = 0;
            while (shared < previous.Length && shared < entry.Length && previous[shared] == entry[shared]) shared++;
            writer.Write(shared);
            writer.Write(entry[shared..]);
            writer.Write(digest);
            previous = entry;
        }
        writer.Flush();
        Write(path, buffer.WrittenSpan.ToArray());
        foreach (FileInfo old in new DirectoryInfo(Directory).EnumerateFiles(ListingPrefix(contextStep) + "*")
                     .Where(f => !f.Name.EndsWith(".tmp", StringComparison.Ordinal))
                     .OrderByDescending(f => f.LastWriteTimeUtc).Skip(VariantsPerShape))
        {
            try
            {
                old.Delete();
            }
            catch (IOException)
            {
                // another build removed it first
            }
        }
    }

    /// <summary>The bytes all kept recipes and listings take, for measuring the index's growth.</summary>
    public long Size() => System.IO.Directory.Exists(Directory)
        ? new DirectoryInfo(Directory).EnumerateFiles().Sum(f => f.Length)
        : 0;

    private static string ListingPrefix(Digest contextStep) => "context-" + contextStep.Encoded[..32] + "-";

    private string ListingPath(Digest contextStep, string contentKey) =>
        Path.Combine(Directory, ListingPrefix(contextStep) + (Digest.TryParse(contentKey, out Digest key) ? key.Encoded[..32] : "unknown"));

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
