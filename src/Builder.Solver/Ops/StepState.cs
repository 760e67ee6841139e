using System.Collections.Immutable;
using Builder.Cache.Images;
using Builder.Oci;
using Builder.Solver.Context;

namespace Builder.Solver.Ops;

/// <summary>A filesystem a finished step hands on: its layers (bottom first) and the directories that show it (top first).</summary>
/// <param name="Layers">The layers an image of this filesystem has, base layers first.</param>
/// <param name="LowerDirectories">The read-only directories a snapshot stacks, top first.</param>
/// <param name="CacheKey">
/// What the result depends on: the step's key, and for a build context the content of the files it selected.
/// Steps reading this one fold it into their own cache key, so an edited file invalidates exactly the steps that read it.
/// </param>
public sealed record StepState(ImmutableArray<ImageLayer> Layers, ImmutableArray<string> LowerDirectories, Digest CacheKey)
{
    /// <summary>
    /// For a build context, what it selected, read in place: a COPY reads it there, and <see cref="LowerDirectories"/>
    /// names the directory it is materialized in only when a step needs one (a bind mount, a stage on a named context).
    /// </summary>
    public SelectedContext? Context { get; init; }

    /// <summary>This state with one more layer on top, under the cache key of the step that made it.</summary>
    public StepState With(Snapshots.CommittedLayer layer, Digest cacheKey, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return new StepState([.. Layers, new ImageLayer(layer.Layer.Descriptor, layer.Layer.DiffId) { Created = created }], [layer.Directory, .. LowerDirectories], cacheKey);
    }
}
