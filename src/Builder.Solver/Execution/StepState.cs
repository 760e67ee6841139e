using System.Collections.Immutable;
using Builder.Cache.Images;

namespace Builder.Solver.Execution;

/// <summary>A filesystem a finished step hands on: its layers (bottom first) and the directories that show it (top first).</summary>
/// <param name="Layers">The layers an image of this filesystem has, base layers first.</param>
/// <param name="LowerDirectories">The read-only directories a snapshot stacks, top first.</param>
public sealed record StepState(ImmutableArray<ImageLayer> Layers, ImmutableArray<string> LowerDirectories)
{
    /// <summary>The empty filesystem (<c>FROM scratch</c>).</summary>
    public static StepState Empty { get; } = new([], []);

    /// <summary>This state with one more layer on top.</summary>
    public StepState With(Snapshots.CommittedLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return new StepState([.. Layers, new ImageLayer(layer.Layer.Descriptor, layer.Layer.DiffId)], [layer.Directory, .. LowerDirectories]);
    }
}
