using Builder.Solver.Scheduling;

namespace Builder.Cli.Output;

/// <summary>
/// What buildx prints under the progress of a failed build: the failed step's name and last output lines between
/// <c>------</c> rules (progressui's printErrorLogs), the Dockerfile excerpt with <c>&gt;&gt;&gt;</c> on the failed
/// instruction (<see cref="DockerfileExcerpt"/>), then the error: <c>ERROR: failed to solve: process "/bin/sh -c make"
/// did not complete successfully: exit code: 2</c>.
/// </summary>
internal static class FailureSummary
{
    /// <summary>Writes the summary of <paramref name="failure"/>, whose step progress called <paramref name="name"/>.</summary>
    /// <param name="writer">Where the errors go.</param>
    /// <param name="failure">The failed step.</param>
    /// <param name="name">The step's label in progress (already escaped).</param>
    /// <param name="lines">The output lines to repeat, as progress printed them.</param>
    /// <param name="dockerfileText">The text of the Dockerfile the step's instruction is in, when known.</param>
    public static void Print(TextWriter writer, StepFailedException failure, string name, IEnumerable<string> lines, string? dockerfileText)
    {
        writer.WriteLine("------");
        writer.WriteLine($" > {name}:");
        foreach (string line in lines) writer.WriteLine(TerminalText.Escape(line));
        writer.WriteLine("------");
        if (failure.Origin is { } origin && dockerfileText is not null)
            // BuildKit names the source by the Dockerfile's file name (the frontend's "filename"), not its path.
            DockerfileExcerpt.Print(writer, Path.GetFileName(origin.File), dockerfileText, origin.StartLine, origin.EndLine);
        writer.WriteLine($"ERROR: failed to solve: {TerminalText.EscapeLines(failure.Reason)}");
    }
}
