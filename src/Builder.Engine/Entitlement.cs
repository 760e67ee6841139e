namespace Builder.Engine;

/// <summary>
/// A privilege a Dockerfile may only use when the caller grants it (<c>--allow</c>), as BuildKit's entitlements
/// (util/entitlements): the Dockerfile is untrusted input, the person running the build is not.
/// </summary>
public enum Entitlement
{
    /// <summary>
    /// <c>network.host</c>: <c>RUN --network=host</c>, as BuildKit v0.24 requires it. imgbuild's default RUN network is
    /// also the host's namespace today, but a Dockerfile asking for the host's network by name is refused without
    /// it, so that the Dockerfile builds the same way with buildx (and with a future sandboxed default network).
    /// </summary>
    NetworkHost,

    /// <summary>
    /// <c>security.insecure</c>: <c>RUN --security=insecure</c>, a container with every capability imgbuild holds,
    /// no seccomp filter and no masked kernel paths, which can take over the machine.
    /// </summary>
    SecurityInsecure,
}
