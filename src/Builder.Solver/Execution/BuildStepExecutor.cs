using System.Diagnostics;
using Builder.Cache.Layers;
using Builder.Cache.Oci;
using Builder.Solver.Graph;
using Builder.Solver.Scheduling;
using Builder.Solver.Sources;

namespace Builder.Solver.Execution;

/// <summary>
/// Runs each kind of build step on this machine: base images through <see cref="BaseImageProvider"/>, RUN through
/// <see cref="ExecStepRunner"/>, file actions through <see cref="FileStepRunner"/>. Steps the solver cannot run yet
/// (copies, the build context, git and http sources) fail with "not supported yet".
/// </summary>
public sealed class BuildStepExecutor(BaseImageProvider bases, ExecStepRunner exec, FileStepRunner files, LayerWriteOptions layerOptions, IBuildProgress progress)
    : IStepExecutor<StepState>
{
    /// <inheritdoc />
    public async Task<StepState> ExecuteAsync(BuildStep step, StepKey key, IReadOnlyList<StepState> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(inputs);
        progress.Started(step, key);
        var clock = Stopwatch.StartNew();
        StepState result = step switch
        {
            ScratchStep => StepState.Empty,
            ImageSourceStep image => await BaseAsync(image, cancellationToken).ConfigureAwait(false),
            ExecStep run => inputs[0].With(await exec.RunAsync(run, inputs[0].LowerDirectories, line => progress.Output(step, key, line), layerOptions, cancellationToken).ConfigureAwait(false)),
            FileStep file => inputs[0].With(await files.RunAsync(file, inputs[0].LowerDirectories, layerOptions, cancellationToken).ConfigureAwait(false)),
            ContextSourceStep => throw new NotSupportedException("not supported yet: reading the build context (COPY, ADD, RUN --mount from the context) when building"),
            _ => throw new NotSupportedException($"not supported yet: {step.Describe()} when building"),
        };
        progress.Finished(step, key, clock.Elapsed);
        return result;
    }

    private async Task<StepState> BaseAsync(ImageSourceStep step, CancellationToken cancellationToken)
    {
        ImageReference reference = step.ResolvedDigest is { } digest ? step.Image.WithDigest(digest) : step.Image;
        BaseImage image = await bases.GetAsync(reference, step.Platform, cancellationToken).ConfigureAwait(false);
        return new StepState(
            [.. image.Manifest.Layers.Select((blob, i) => new Cache.Images.ImageLayer(blob, image.Config.RootFs.DiffIds[i]))],
            [image.RootFilesystem]);
    }
}
