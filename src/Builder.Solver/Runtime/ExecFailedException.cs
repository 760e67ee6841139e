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

    /// <summary>
    /// The failed RUN's container, kept for <c>--on-error=shell</c> when the runner was asked to keep failed
    /// containers; null otherwise. Whoever asked owns it and disposes it.
    /// </summary>
    public FailedRunContainer? Container { get; init; }

    /// <summary>The command and its status in one line, without the output: what a renderer puts before the lines.</summary>
    public string Summary { get; } = SummaryOf(args, exitCode, memoryLimitBytes);

    // BuildKit's wording, so CI logs and people searching for it find the same line: executor.go's
    // errors.Errorf("process %q did not complete successfully: ...", strings.Join(args, " ")), Go's %q quoting. An OOM
    // kill says so instead of leaving the reader to decode exit code 137.
    private static string SummaryOf(ImmutableArray<string> args, int exitCode, long? memoryLimitBytes) => memoryLimitBytes is { } limit
        ? $"process {GoQuote(string.Join(' ', args))} was killed: memory limit {MemoryLimitReachedException.Describe(limit)} reached (exit code: {exitCode})"
        : $"process {GoQuote(string.Join(' ', args))} did not complete successfully: exit code: {exitCode}";

    // strconv.Quote for the characters a command holds: \ and " escaped, control characters as Go writes them.
    private static string GoQuote(string text)
    {
        var quoted = new System.Text.StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                '\n' => quoted.Append("\\n"),
                '\t' => quoted.Append("\\t"),
                '\r' => quoted.Append("\\r"),
                < ' ' or '\x7f' => quoted.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => quoted.Append(c),
            };
        }
        return quoted.Append('"').ToString();
    }
}
