using System.Collections.Immutable;
using Builder.Oci;

namespace Builder.Cli.Output;

/// <summary>What a successful build made, as <see cref="IBuildRenderer.Completed"/> reports it.</summary>
/// <param name="Target">The stage built (its name, or its 0-based index when it has none).</param>
/// <param name="Names">The names the image was given (<c>-t</c>), in the order given; empty when none.</param>
/// <param name="Manifest">The image manifest's digest: what <c>--iidfile</c> holds.</param>
/// <param name="Config">The image config's digest.</param>
internal sealed record BuildCompletion(string Target, ImmutableArray<ImageReference> Names, Digest Manifest, Digest Config);
