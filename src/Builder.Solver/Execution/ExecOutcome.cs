using Builder.Cache.Layers;

namespace Builder.Solver.Execution;

/// <summary>What a RUN produced: its layer (in the content store) and the committed directory later steps stack on.</summary>
/// <param name="Layer">The layer blob's descriptor and diffID.</param>
/// <param name="Directory">The step's changes as an overlay lower directory (or the full tree, for the copying snapshotter).</param>
public sealed record ExecOutcome(LayerWriteResult Layer, string Directory);
