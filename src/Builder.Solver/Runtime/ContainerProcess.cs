using System.Collections.Immutable;

namespace Builder.Solver.Runtime;

/// <summary>The process a container runs, with its identity already resolved to numbers.</summary>
/// <param name="Args">The program and its arguments.</param>
/// <param name="Env">The environment as <c>NAME=value</c>.</param>
/// <param name="WorkingDirectory">An absolute path inside the container.</param>
/// <param name="User">The uid, gid and supplementary groups it runs as.</param>
public sealed record ContainerProcess(
    ImmutableArray<string> Args, ImmutableArray<string> Env, string WorkingDirectory, ContainerUser User)
{
    /// <summary>
    /// Whether the process gets a pseudo-terminal (runtime-spec <c>process.terminal</c>): only the interactive shell
    /// of <c>--on-error=shell</c> has one; a RUN never does, as in BuildKit.
    /// </summary>
    public bool Terminal { get; init; }
}
