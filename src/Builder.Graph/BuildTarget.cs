using Builder.Oci;

namespace Builder.Graph;

/// <summary>One result a frontend asks for: the final step of a stage and the image config that stage produces.</summary>
/// <param name="StageName">The stage name (<c>FROM … AS name</c>), or its index as text when it has none.</param>
/// <param name="Step">The step whose result is the stage's root filesystem.</param>
/// <param name="Config">The image config of the stage, without the layer DiffIDs the solver adds.</param>
public sealed record BuildTarget(string StageName, BuildStep Step, ImageConfig Config);
