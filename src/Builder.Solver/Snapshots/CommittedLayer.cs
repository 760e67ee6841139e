using Builder.Cache.Layers;

namespace Builder.Solver.Snapshots;

/// <summary>What a step that changes files produced: its layer (in the content store) and the committed directory later steps stack on.</summary>
/// <param name="Layer">The layer blob's descriptor and diffID.</param>
/// <param name="Directory">The step's changes as an overlay lower directory (or the full tree, for the copying snapshotter).</param>
public sealed record CommittedLayer(LayerWriteResult Layer, string Directory);
