using System.Diagnostics;
using Builder.Cache.Index;
using Builder.Cache.Layers;
using Builder.Cache.Oci;
using Builder.Solver.Graph;
using Builder.Solver.Scheduling;
using Builder.Solver.Snapshots;
using Builder.Solver.Sources;

namespace Builder.Solver.Execution;

/// <summary>
/// Runs each kind of build step on this machine: base images through <see cref="BaseImageProvider"/>, RUN through
/// <see cref="ExecStepRunner"/>, file actions through <see cref="FileStepRunner"/>. Steps the solver cannot run yet
/// (copies, the build context, git and http sources) fail with "not supported yet".
/// </summary>
/// <remarks>
/// RUN and file steps are looked up in the <see cref="CacheIndex"/> by their <see cref="StepKey"/> first. The key covers
/// the step's definition and its inputs' keys down to the base image's manifest digest, which is all such a step
/// depends on today; steps that read the build context (COPY, ADD) will add their files' content to it.
/// </remarks>
public sealed class BuildStepExecutor(BaseImageProvider bases, ExecStepRunner exec, FileStepRunner files, SnapshotCommitter committer,
    CacheIndex cache, bool useCache, LayerWriteOptions layerOptions, IBuildProgress progress)
    : IStepExecutor<StepState>
{
    /// <inheritdoc />
    public async Task<StepState> ExecuteAsync(BuildStep step, StepKey key, IReadOnlyList<StepState> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(inputs);
        progress.Started(step, key);
        if (useCache && step is ExecStep or FileStep && cache.Find(key.Digest) is { } hit && Directory.Exists(committer.DirectoryOf(hit.DiffId)))
        {
            progress.Cached(step, key);
            return inputs[0].With(new CommittedLayer(new LayerWriteResult(hit.Layer, hit.DiffId, 0), committer.DirectoryOf(hit.DiffId)));
        }
        var clock = Stopwatch.StartNew();
        StepState result = step switch
        {
            ScratchStep => StepState.Empty,
            ImageSourceStep image => await BaseAsync(image, cancellationToken).ConfigureAwait(false),
            ExecStep run => inputs[0].With(await RememberAsync(key,
                await exec.RunAsync(run, inputs[0].LowerDirectories, line => progress.Output(step, key, line), layerOptions, cancellationToken).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false)),
            FileStep file => inputs[0].With(await RememberAsync(key,
                await files.RunAsync(file, inputs[0].LowerDirectories, layerOptions, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)),
            ContextSourceStep => throw new NotSupportedException("not supported yet: reading the build context (COPY, ADD, RUN --mount from the context) when building"),
            _ => throw new NotSupportedException($"not supported yet: {step.Describe()} when building"),
        };
        progress.Finished(step, key, clock.Elapsed);
        return result;
    }

    private async Task<CommittedLayer> RememberAsync(StepKey key, CommittedLayer layer, CancellationToken cancellationToken)
    {
        await cache.AddAsync(key.Digest, new CacheRecord(layer.Layer.Descriptor, layer.Layer.DiffId), cancellationToken).ConfigureAwait(false);
        return layer;
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
