using System.Collections.Immutable;

namespace Builder.Solver.Execution;

/// <summary>A RUN's process exited non-zero. The message has the command, the status and the last lines it printed.</summary>
public sealed class ExecFailedException(ImmutableArray<string> args, int exitCode, IReadOnlyList<string> lastLines)
    : Exception($"process \"{string.Join(' ', args)}\" did not complete successfully: exit code: {exitCode}" +
        (lastLines.Count == 0 ? "" : "\n" + string.Join('\n', lastLines)))
{
    /// <summary>The process's exit status.</summary>
    public int ExitCode { get; } = exitCode;
}
