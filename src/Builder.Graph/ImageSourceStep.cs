using Builder.Oci;

namespace Builder.Graph;

/// <summary>
/// The root filesystem of an image from a registry (<c>FROM alpine</c>); BuildKit's <c>docker-image://</c> source.
/// </summary>
/// <param name="Image">The normalised reference.</param>
/// <param name="Platform">The platform whose manifest is taken from an index.</param>
public sealed record ImageSourceStep(ImageReference Image, Platform Platform) : BuildStep
{
    /// <summary>The manifest digest the reference resolved to, when the frontend already knows it.</summary>
    public Digest? ResolvedDigest { get; init; }

    internal override string Kind => "image";

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.String("image", Image.ToString());
        writer.String("platform", Platform.ToString());
        writer.String("resolvedDigest", ResolvedDigest?.ToString());
    }

    internal override string Describe() => $"{Image.FamiliarName} ({Platform})";
}
