using System.Collections.Immutable;
using Builder.Cli.Output;
using Builder.Engine;
using Builder.Solver.Runtime;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild build --on-error=shell[:CMD]</c>: when a RUN fails, shows the failure, stops the progress from
/// redrawing, and runs an interactive shell (or CMD) on this terminal in the failed RUN's container — its filesystem
/// as the failure left it, its environment, user, working directory and mounts. The build then fails as it would have.
/// </summary>
internal sealed class FailedStepShell(IBuildRenderer renderer, TextWriter stderr, ImmutableArray<string> command, string? term, string? dockerfileText = null) : IFailedStepDebugger
{
    /// <summary>The option's name, for messages.</summary>
    public const string OptionName = "--on-error";

    /// <summary>The failure already shown before the shell started (not to be shown again), or null.</summary>
    public StepFailedException? Shown { get; private set; }

    /// <summary>
    /// Reads <c>--on-error</c>: <c>shell</c> runs <c>/bin/sh</c>, <c>shell:CMD</c> runs CMD (split at spaces); null
    /// when the option is absent or <c>error</c> (the default: the build just fails).
    /// </summary>
    /// <exception cref="FormatException">Another value.</exception>
    public static ImmutableArray<string>? ParseCommand(string? value) => value switch
    {
        null or "error" => null,
        "shell" => ["/bin/sh"],
        _ when value.StartsWith("shell:", StringComparison.Ordinal) && value.Length > "shell:".Length =>
            [.. value["shell:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)],
        _ => throw new FormatException($"invalid {OptionName} '{value}': write shell (runs /bin/sh), shell:CMD or error"),
    };

    /// <summary>
    /// Why a shell cannot be offered here, or null when it can: it needs a terminal on standard input and error, and
    /// a progress meant for a person (plain, rawjson and quiet are for logs, CI and tools).
    /// </summary>
    public static string? Refusal(bool inputIsTerminal, bool errorIsTerminal, string progress) =>
        !inputIsTerminal || !errorIsTerminal
            ? $"{OptionName}=shell needs an interactive terminal, and standard {(inputIsTerminal ? "error" : "input")} is not one: run the build in a terminal, or leave {OptionName} out (in CI, read the failed step's output instead)"
            : progress is "plain" or "rawjson" or "quiet"
                ? $"{OptionName}=shell cannot be used with --progress={progress}, which is for logs and CI: use --progress=auto or tty in a terminal, or leave {OptionName} out"
                : null;

    public async Task DebugAsync(StepFailedException failure, FailedRunContainer container, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(container);
        renderer.StepFailed(failure, dockerfileText);
        Shown = failure;
        // The live view must not draw over the shell.
        (renderer as TtyProgress)?.StopRedrawing();
        stderr.WriteLine($"imgbuild: starting {string.Join(' ', command)} in the failed step's container, as the failure left it; exit it to end the build");
        stderr.Flush();
        int status = await container.RunAttachedAsync(command, [$"TERM={term ?? "xterm"}"], cancellationToken).ConfigureAwait(false);
        stderr.WriteLine($"imgbuild: {command[0]} exited with status {status}; the failed step's container and mounts are removed");
        stderr.Flush();
    }
}
