using Builder.Frontend.Diagnostics;
using Builder.Solver.Progress;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Output;

/// <summary>
/// Everything <c>imgbuild build</c> tells the user, in one place: the solve's progress events, and what the command
/// reports around them (a Dockerfile diagnostic, a failed step, another error, the result). Plain and tty write text;
/// rawjson writes one JSON object per event, which the MSBuild task reads.
/// </summary>
internal interface IBuildRenderer : IBuildProgress
{
    /// <summary>
    /// A problem in the Dockerfile, its arguments or its context (from a <see cref="DockerfileException"/>, or a warning).
    /// <paramref name="dockerfileText"/> is the Dockerfile's text when the diagnostic is in it, so the line can be shown.
    /// </summary>
    void Diagnostic(DockerfileDiagnostic diagnostic, string? dockerfileText);

    /// <summary>
    /// A step failed and the build stopped: its instruction, its status and its last output lines. The steps still
    /// running were stopped by it (buildx shows them CANCELED). <paramref name="dockerfileText"/> is the text of the
    /// Dockerfile the step's instruction is in, when known, for the excerpt buildx prints.
    /// </summary>
    void StepFailed(StepFailedException failure, string? dockerfileText);

    /// <summary>The build failed for a reason that is neither a diagnostic nor a step: one sentence, without <c>imgbuild:</c>.</summary>
    void Error(string message);

    /// <summary>The build succeeded and its image was exported.</summary>
    void Completed(BuildCompletion result);
}
