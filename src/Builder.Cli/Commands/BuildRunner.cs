using Builder.Cli.Output;
using Builder.Engine;
using Builder.Frontend.Diagnostics;
using Builder.Solver.Execution;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Commands;

/// <summary>
/// Runs a request through the engine for <c>build</c> and <c>compose</c> alike, and renders how it ended: a Dockerfile
/// error with its excerpt and caret, a failed step with the steps it stopped. Returns null when the build failed.
/// </summary>
internal static class BuildRunner
{
    public static async Task<BuildResult?> RunAsync(BuildEngine engine, BuildRequest request, IBuildProgress reporter, TextWriter stderr,
        CancellationToken cancellationToken)
    {
        try
        {
            return await engine.BuildAsync(request, reporter, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerfileException e)
        {
            (reporter as IDisposable)?.Dispose();
            string? text = request.Targets.FirstOrDefault(t => t.DockerfilePath == e.Diagnostic.Span.File)?.DockerfileText;
            DiagnosticPrinter.Print(stderr, e.Diagnostic, text);
            return null;
        }
        catch (StepFailedException e)
        {
            (reporter as TtyProgress)?.PrintUnfinished();
            (reporter as IDisposable)?.Dispose();
            stderr.WriteLine($"imgbuild: {e.Message}");
            return null;
        }
        finally
        {
            (reporter as IDisposable)?.Dispose();
        }
    }
}
