using Builder.Cli.Output;
using Builder.Engine;
using Builder.Frontend.Diagnostics;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Commands;

/// <summary>
/// Runs a request through the engine for <c>build</c> and <c>compose</c> alike, and renders how it ended through the
/// renderer <c>--progress</c> chose: each image made, or a Dockerfile error with its excerpt and caret, a failed step
/// with the steps it stopped, or another error in one line. Returns null when the build failed.
/// </summary>
internal static class BuildRunner
{
    public static async Task<BuildResult?> RunAsync(BuildEngine engine, BuildRequest request, IBuildRenderer renderer, CliEnvironment environment,
        CancellationToken cancellationToken)
    {
        try
        {
            // An output with dest=- writes to the CLI's standard output.
            await using Stream standardOutput = environment.OpenStandardOutput();
            BuildResult result = await engine.BuildAsync(request with { StandardOutput = standardOutput }, renderer, cancellationToken).ConfigureAwait(false);
            foreach (TargetResult made in result.Targets)
                renderer.Completed(new BuildCompletion(made.Stage, made.Names, made.Manifest.Digest, made.ConfigDigest));
            return result;
        }
        catch (DockerfileException e)
        {
            string? text = request.Targets.FirstOrDefault(t => t.DockerfilePath == e.Diagnostic.Span.File)?.DockerfileText;
            renderer.Diagnostic(e.Diagnostic, text);
            return null;
        }
        catch (StepFailedException e)
        {
            // --on-error=shell showed the failure before its shell.
            if (!ReferenceEquals((request.FailedStepDebugger as FailedStepShell)?.Shown, e))
                renderer.StepFailed(e, request.Targets.FirstOrDefault(t => t.DockerfilePath == e.Origin?.File)?.DockerfileText);
            return null;
        }
        catch (Exception e) when (StoreRoot.IsUserError(e))
        {
            renderer.Error(e.Message);
            return null;
        }
        finally
        {
            (renderer as IDisposable)?.Dispose();
        }
    }
}
