using Builder.Oci;

namespace Builder.Engine;

/// <summary>Where a named context (<c>--build-context NAME=…</c>) comes from.</summary>
public abstract record NamedContextSource
{
    private NamedContextSource() { }

    /// <summary>A directory (<c>NAME=DIR</c>).</summary>
    public sealed record Directory(string Path) : NamedContextSource;

    /// <summary>An image (<c>NAME=docker-image://REF</c>).</summary>
    public sealed record Image(ImageReference Reference) : NamedContextSource;

    /// <summary>An image of an OCI layout (<c>NAME=oci-layout://DIR[@sha256:…]</c>), imported into the store.</summary>
    public sealed record OciLayout(string LayoutDirectory, Digest? ManifestDigest) : NamedContextSource;

    /// <summary>
    /// The image another target of the same request builds, by its <see cref="TargetRequest.Name"/> (compose's
    /// <c>additional_contexts: NAME: service:SERVICE</c>, bake's <c>target:NAME</c>): that target is converted first and
    /// its result is the context, in the same solve, so its steps run once.
    /// </summary>
    public sealed record Target(string Name) : NamedContextSource;
}
