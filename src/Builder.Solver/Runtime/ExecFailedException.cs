using System.Collections.Immutable;

namespace Builder.Solver.Runtime;

/// <summary>A RUN's process exited non-zero. The message has the command, the status and the last lines it printed.</summary>
public sealed class ExecFailedException(ImmutableArray<string> args, int exitCode, IReadOnlyList<string> lastLines)
    : Exception(SummaryOf(args, exitCode) + (lastLines.Count == 0 ? "" : "\n" + string.Join('\n', lastLines)))
{
    /// <summary>The process's exit status.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>The process's arguments, as the container ran them.</summary>
    public ImmutableArray<string> Args { get; } = args;

    /// <summary>The last lines the process printed (standard output and error, in order), oldest first.</summary>
    public IReadOnlyList<string> LastLines { get; } = lastLines;

    /// <summary>
    /// The failed RUN's container, kept for <c>--on-error=shell</c> when the runner was asked to keep failed
    /// containers; null otherwise. Whoever asked owns it and disposes it.
    /// </summary>
    public FailedRunContainer? Container { get; init; }

    /// <summary>The command and its status in one line, without the output: what a renderer puts before the lines.</summary>
    public string Summary { get; } = SummaryOf(args, exitCode);

    // BuildKit's wording, so CI logs and people searching for it find the same line.
    private static string SummaryOf(ImmutableArray<string> args, int exitCode) =>
        $"process \"{string.Join(' ', args)}\" did not complete successfully: exit code: {exitCode}";
}
