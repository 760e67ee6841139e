using System.Collections.Immutable;
using Builder.Cache.Images;
using Builder.Oci;
using Builder.Solver.Context;

namespace Builder.Solver.Ops;

/// <summary>
/// A filesystem a finished step hands on: its layers (bottom first) and the directories that show it (top first). The
/// directories are ready when the step ends; a layer the build made may still be being written from its directory
/// while later steps run (<see cref="LayerResults"/>).
/// </summary>
/// <param name="LayerResults">The layers an image of this filesystem has, base layers first, each once it is written.</param>
/// <param name="LowerDirectories">The read-only directories a snapshot stacks, top first.</param>
/// <param name="CacheKey">
/// What the result depends on: the step's key, and for a build context the content of the files it selected.
/// Steps reading this one fold it into their own cache key, so an edited file invalidates exactly the steps that read it.
/// </param>
public sealed record StepState(ImmutableArray<Task<ImageLayer>> LayerResults, ImmutableArray<string> LowerDirectories, Digest CacheKey)
{
    /// <summary>A state whose layers are all known (a base image's, none).</summary>
    public static StepState Known(ImmutableArray<ImageLayer> layers, ImmutableArray<string> lowerDirectories, Digest cacheKey) =>
        new([.. layers.Select(Task.FromResult)], lowerDirectories, cacheKey);

    /// <summary>
    /// For a build context, what it selected, read in place: a COPY reads it there, and <see cref="LowerDirectories"/>
    /// names the directory it is materialized in only when a step needs one (a bind mount, a stage on a named context).
    /// </summary>
    public SelectedContext? Context { get; init; }

    /// <summary>The layers, base first, once every one is written (after <see cref="BuildStepExecutor.SettleAsync"/>).</summary>
    /// <exception cref="InvalidOperationException">A layer is still being written, or failed.</exception>
    public ImmutableArray<ImageLayer> Layers => LayerResults.All(l => l.IsCompletedSuccessfully)
        ? [.. LayerResults.Select(l => l.Result)]
        : throw new InvalidOperationException("a layer of this filesystem is still being written: wait for the build's layers first");

    /// <summary>This state with one more layer on top, in <paramref name="directory"/>, under the cache key of the step that made it.</summary>
    public StepState With(string directory, Task<ImageLayer> layer, Digest cacheKey)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return new StepState([.. LayerResults, layer], [directory, .. LowerDirectories], cacheKey);
    }
}
