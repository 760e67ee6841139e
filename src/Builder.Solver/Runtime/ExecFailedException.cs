using System.Collections.Immutable;

namespace Builder.Solver.Runtime;

/// <summary>A RUN's process exited non-zero. The message has the command, the status and the last lines it printed.</summary>
public sealed class ExecFailedException(ImmutableArray<string> args, int exitCode, IReadOnlyList<string> lastLines, long? memoryLimitBytes = null)
    : Exception(SummaryOf(args, exitCode, memoryLimitBytes) + (lastLines.Count == 0 ? "" : "\n" + string.Join('\n', lastLines)))
{
    /// <summary>The memory limit the container reached, when the process was killed for it (an OOM kill); else null.</summary>
    public long? MemoryLimitBytes { get; } = memoryLimitBytes;

    /// <summary>The process's exit status.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>The process's arguments, as the container ran them.</summary>
    public ImmutableArray<string> Args { get; } = args;

    /// <summary>The last lines the process printed (standard output and error, in order), oldest first.</summary>
    public IReadOnlyList<string> LastLines { get; } = lastLines;

    /// <summary>The command and its status in one line, without the output: what a renderer puts before the lines.</summary>
    public string Summary { get; } = SummaryOf(args, exitCode, memoryLimitBytes);

    // BuildKit's wording, so CI logs and people searching for it find the same line; an OOM kill says so instead of
    // leaving the reader to decode exit code 137.
    private static string SummaryOf(ImmutableArray<string> args, int exitCode, long? memoryLimitBytes) => memoryLimitBytes is { } limit
        ? $"process \"{string.Join(' ', args)}\" was killed: memory limit {MemoryLimitReachedException.Describe(limit)} reached (exit code: {exitCode})"
        : $"process \"{string.Join(' ', args)}\" did not complete successfully: exit code: {exitCode}";
}
