using Builder.Oci;

namespace Builder.Cache.Images;

/// <summary>No image in the local store has the name that was asked for.</summary>
public sealed class ImageNotFoundException(ImageReference reference)
    : Exception($"no such image: {reference.FamiliarName}")
{
    /// <summary>The name that was asked for.</summary>
    public ImageReference Reference { get; } = reference;
}
