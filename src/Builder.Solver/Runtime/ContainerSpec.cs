using System.Collections.Immutable;

namespace Builder.Solver.Runtime;

/// <summary>Everything needed to write a container's OCI runtime spec.</summary>
/// <param name="RootFilesystem">The host directory that becomes <c>/</c> (an overlay mount or a copied tree).</param>
/// <param name="Process">The process to run.</param>
public sealed record ContainerSpec(string RootFilesystem, ContainerProcess Process)
{
    /// <summary>Mounts added after the standard ones (<c>/proc</c>, <c>/dev</c>, <c>/sys</c>, …), in order.</summary>
    public ImmutableArray<ContainerMount> Mounts { get; init; } = [];

    /// <summary>The network namespace.</summary>
    public ContainerNetwork Network { get; init; } = ContainerNetwork.Host;

    /// <summary>
    /// The hostname. BuildKit names every build container <c>buildkitsandbox</c>; using the same name keeps files
    /// a RUN writes from <c>hostname</c> identical to <c>docker build</c>'s.
    /// </summary>
    public string Hostname { get; init; } = "buildkitsandbox";

    /// <summary>Lines added to <c>/etc/hosts</c> after the standard ones (<c>--add-host</c>).</summary>
    public ImmutableArray<Builder.Graph.ExtraHost> ExtraHosts { get; init; } = [];

    /// <summary>The process's resource limits (<c>--ulimit</c>); empty: it inherits imgbuild's.</summary>
    public ImmutableArray<Builder.Graph.Ulimit> Ulimits { get; init; } = [];

    /// <summary><c>RUN --security=insecure</c>: all capabilities and no masked paths.</summary>
    public bool Privileged { get; init; }

    /// <summary>The container's cgroup limits (<c>linux.resources</c>); none by default.</summary>
    public ContainerResources Resources { get; init; } = ContainerResources.None;

    /// <summary>
    /// The runtime spec's <c>linux.cgroupsPath</c>, or null for the runtime's default. The runtime sets it to find the
    /// container's cgroup again after the process ends (to tell an OOM kill from another SIGKILL).
    /// </summary>
    public string? CgroupsPath { get; init; }
}
