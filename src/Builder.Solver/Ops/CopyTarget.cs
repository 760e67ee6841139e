namespace Builder.Solver.Ops;

/// <summary>The filesystem a copy writes into: its root, and the overlay upper directory that receives the changes, if it is an overlay.</summary>
/// <param name="Root">The root filesystem, as the step sees it.</param>
/// <param name="Changes">The overlay upper directory under <paramref name="Root"/>, or null (a plain directory, a copied snapshot).</param>
internal sealed record CopyTarget(string Root, string? Changes = null);
