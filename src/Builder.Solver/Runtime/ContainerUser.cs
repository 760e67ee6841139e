using System.Collections.Immutable;

namespace Builder.Solver.Runtime;

/// <summary>Numeric process credentials inside a container.</summary>
/// <param name="Uid">The user id.</param>
/// <param name="Gid">The primary group id.</param>
/// <param name="AdditionalGids">Supplementary groups, as <c>/etc/group</c> lists the user in them.</param>
public sealed record ContainerUser(uint Uid, uint Gid, ImmutableArray<uint> AdditionalGids)
{
    /// <summary>root (0:0) with no supplementary groups.</summary>
    public static ContainerUser Root { get; } = new(0, 0, []);
}
