using System.Collections.Immutable;

namespace Builder.Solver.Runtime;

/// <summary>A mount in a container's OCI runtime spec (runtime-spec config.md, <c>mounts</c>).</summary>
/// <param name="Destination">The absolute path inside the container.</param>
/// <param name="Type">The filesystem type: <c>bind</c>, <c>tmpfs</c>, <c>proc</c>, …</param>
/// <param name="Source">The host path for a bind mount, or the device name.</param>
/// <param name="Options">Mount options such as <c>rbind</c>, <c>ro</c>, <c>nosuid</c>.</param>
public sealed record ContainerMount(string Destination, string Type, string Source, ImmutableArray<string> Options);
