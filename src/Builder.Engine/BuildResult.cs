using System.Collections.Immutable;
using Builder.Oci;

namespace Builder.Engine;

/// <summary>What a build made: one <see cref="TargetResult"/> per <see cref="TargetRequest"/>, in request order.</summary>
public sealed record BuildResult(ImmutableArray<TargetResult> Targets)
{
    /// <summary>
    /// The build checks that fired (BuildKit's lint rules), each target's in turn; the build also reported each one
    /// as a warning message while it ran.
    /// </summary>
    public ImmutableArray<Frontend.Checks.CheckWarning> CheckWarnings { get; init; } = [];
}

/// <summary>The image of one target.</summary>
/// <param name="Name">The target's <see cref="TargetRequest.Name"/>.</param>
/// <param name="Stage">The stage built: its name, or its index as text when it has none.</param>
/// <param name="Manifest">The image manifest, in the local store.</param>
/// <param name="ConfigDigest">The image config's digest (the image ID docker shows).</param>
/// <param name="Names">The names the image was given.</param>
public sealed record TargetResult(string Name, string Stage, Descriptor Manifest, Digest ConfigDigest, ImmutableArray<ImageReference> Names);
