namespace Builder.Graph;

/// <summary>The network of an <see cref="ExecStep"/>, as <c>RUN --network</c> names it.</summary>
public enum NetworkMode
{
    /// <summary>The builder's default network (BuildKit: a sandboxed network with outbound access).</summary>
    Default,

    /// <summary>The host's network namespace; needs the <c>network.host</c> entitlement.</summary>
    Host,

    /// <summary>No network, only a loopback interface.</summary>
    None,
}
