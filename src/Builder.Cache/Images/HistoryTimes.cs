using Builder.Oci;

namespace Builder.Cache.Images;

/// <summary>
/// Dates a built image as BuildKit does: each history entry that made a layer gets that layer's creation time (kept
/// by the build cache, so a rebuild from the cache dates it the same), and the entries without a layer and the
/// config's <c>created</c> get the newest of those times. Entries that already have a time (the base image's) keep it.
/// With SOURCE_DATE_EPOCH, every new entry and <c>created</c> get the epoch instead, so the image is reproducible.
/// </summary>
public static class HistoryTimes
{
    /// <param name="config">The image config whose history lists base entries, then the build's.</param>
    /// <param name="layers">The image's layers, in history order (base layers carry no <see cref="ImageLayer.Created"/>).</param>
    /// <param name="now">The time for what has no layer time at all (a build that added no layer).</param>
    /// <param name="sourceDateEpoch">SOURCE_DATE_EPOCH, which replaces every time this build sets.</param>
    public static ImageConfig Stamp(ImageConfig config, IReadOnlyList<ImageLayer> layers, DateTimeOffset now, DateTimeOffset? sourceDateEpoch = null)
    {
        if (sourceDateEpoch is { } epoch)
        {
            ArgumentNullException.ThrowIfNull(config);
            return config with { Created = epoch, History = [.. config.History.Select(h => h.Created is null ? h with { Created = epoch } : h)] };
        }
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(layers);
        if (config.History.All(h => h.Created is not null)) return config;
        DateTimeOffset newest = layers.Where(l => l.Created is not null).Select(l => l.Created!.Value).DefaultIfEmpty(now).Max();
        int layer = 0;
        var history = new List<HistoryEntry>(config.History.Length);
        foreach (HistoryEntry entry in config.History)
        {
            DateTimeOffset? layerTime = null;
            if (!entry.EmptyLayer && layer < layers.Count) layerTime = layers[layer++].Created;
            history.Add(entry.Created is not null ? entry : entry with { Created = entry.EmptyLayer ? newest : layerTime ?? newest });
        }
        return config with { Created = newest, History = [.. history] };
    }
}
