using Builder.Cache.Layers;

namespace Builder.Solver.Snapshots;

/// <summary>
/// What a step that changes files produced: the committed directory later steps stack on, ready at once, and its
/// layer (blob in the content store, diffID), written from that directory while later steps run.
/// </summary>
/// <param name="Directory">The step's changes as an overlay lower directory (or the full tree, for the copying snapshotter).</param>
/// <param name="Layer">The layer blob's descriptor and diffID, once written.</param>
public sealed record CommittedLayer(string Directory, Task<LayerWriteResult> Layer);
