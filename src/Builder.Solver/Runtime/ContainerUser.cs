using System.Collections.Immutable;

namespace Builder.Solver.Runtime;

/// <summary>Numeric process credentials inside a container.</summary>
/// <param name="Uid">The user id.</param>
/// <param name="Gid">The primary group id.</param>
/// <param name="AdditionalGids">Supplementary groups, as BuildKit sets them: the primary group and, for a USER without a group, each group <c>/etc/group</c> lists the user in.</param>
public sealed record ContainerUser(uint Uid, uint Gid, ImmutableArray<uint> AdditionalGids)
{
    /// <summary>root (0:0) with no supplementary groups (for tests and tools; RUN resolves its user with <see cref="ContainerUserResolver"/>).</summary>
    public static ContainerUser Root { get; } = new(0, 0, []);
}
