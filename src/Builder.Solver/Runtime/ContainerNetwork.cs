namespace Builder.Solver.Runtime;

/// <summary>The network a container sees.</summary>
public enum ContainerNetwork
{
    /// <summary>The host's network namespace: what a build on one machine needs for package managers (BuildKit's default for <c>docker build</c>).</summary>
    Host,

    /// <summary>A new network namespace with only a loopback interface (<c>RUN --network=none</c>).</summary>
    None,
}
