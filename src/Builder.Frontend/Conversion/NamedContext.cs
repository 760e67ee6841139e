using Builder.Graph;
using Builder.Oci;

namespace Builder.Frontend.Conversion;

/// <summary>
/// A <c>--build-context NAME=…</c>: a directory or an image that <c>FROM NAME</c> and <c>COPY --from=NAME</c> use
/// instead of an image or stage of that name.
/// </summary>
/// <param name="Directory">The directory (<c>NAME=DIR</c>), or null for an image.</param>
/// <param name="Image">The image (<c>NAME=docker-image://REF</c>, or an <c>oci-layout://</c> image imported into the store), or null for a directory.</param>
public sealed record NamedContext(string? Directory, ImageReference? Image)
{
    /// <summary>
    /// Another target of the same build, already converted (compose's <c>service:NAME</c>, bake's <c>target:NAME</c>):
    /// <c>FROM NAME</c> starts from its result and config, <c>COPY --from=NAME</c> reads its result. Null otherwise.
    /// </summary>
    public BuildTarget? Target { get; init; }
}
