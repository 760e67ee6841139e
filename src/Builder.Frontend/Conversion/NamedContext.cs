using Builder.Oci;

namespace Builder.Frontend.Conversion;

/// <summary>
/// A <c>--build-context NAME=…</c>: a directory or an image that <c>FROM NAME</c> and <c>COPY --from=NAME</c> use
/// instead of an image or stage of that name.
/// </summary>
/// <param name="Directory">The directory (<c>NAME=DIR</c>), or null for an image.</param>
/// <param name="Image">The image (<c>NAME=docker-image://REF</c>, or an <c>oci-layout://</c> image imported into the store), or null for a directory.</param>
public sealed record NamedContext(string? Directory, ImageReference? Image);
