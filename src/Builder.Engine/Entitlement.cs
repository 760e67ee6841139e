namespace Builder.Engine;

/// <summary>
/// A privilege a Dockerfile may only use when the caller grants it (<c>--allow</c>), as BuildKit's entitlements
/// (util/entitlements): the Dockerfile is untrusted input, the person running the build is not.
/// </summary>
public enum Entitlement
{
    /// <summary>
    /// <c>network.host</c>: <c>RUN --network=host</c>. Accepted for compatibility with <c>buildx --allow</c>; imgbuild's
    /// default RUN network is already the host's, so it grants nothing more and is not required.
    /// </summary>
    NetworkHost,

    /// <summary>
    /// <c>security.insecure</c>: <c>RUN --security=insecure</c>, a container with every capability imgbuild holds,
    /// no seccomp filter and no masked kernel paths, which can take over the machine.
    /// </summary>
    SecurityInsecure,
}
