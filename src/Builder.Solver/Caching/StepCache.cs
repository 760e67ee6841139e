using System.Collections.Concurrent;
using Builder.Cache.BuildCache;
using Builder.Graph;
using Builder.Oci;

namespace Builder.Solver.Caching;

/// <summary>
/// The build cache as the executor uses it: the store's index, the records imported with <c>--cache-from</c>, which
/// steps may use either (<c>--no-cache</c>, <c>--no-cache-filter</c>), and every record this build used or made,
/// for <c>--cache-to</c>.
/// </summary>
public sealed class StepCache(CacheIndex index, ImportedCache imported, Predicate<BuildStep> useCache)
{
    private readonly ConcurrentDictionary<Digest, CacheRecord> _used = new();

    /// <summary>The records this build found or made, by cache key.</summary>
    public IReadOnlyDictionary<Digest, CacheRecord> Used => _used;

    /// <summary>Why a step may not use the cache (<c>--no-cache</c>, <c>--no-cache-filter STAGE</c>), as a miss reason.</summary>
    public Func<BuildStep, string> NoCacheReason { get; init; } = _ => "--no-cache";

    /// <summary>Whether <paramref name="step"/> may use the cache at all.</summary>
    public bool UsesCache(BuildStep step) => useCache(step);

    /// <summary>The records imported with <c>--cache-from</c>.</summary>
    public ImportedCache Imported => imported;

    /// <summary>The record for <paramref name="key"/>, from the store or an imported cache, if <paramref name="step"/> may use the cache.</summary>
    public CacheRecord? Find(BuildStep step, Digest key)
    {
        if (!useCache(step)) return null;
        CacheRecord? found = index.Find(key) ?? imported.Find(key);
        if (found is not null) _used[key] = found;
        return found;
    }

    /// <summary>Stores a record made by running a step.</summary>
    public async Task AddAsync(Digest key, CacheRecord record, CancellationToken cancellationToken)
    {
        await index.AddAsync(key, record, cancellationToken).ConfigureAwait(false);
        _used[key] = record;
    }
}
