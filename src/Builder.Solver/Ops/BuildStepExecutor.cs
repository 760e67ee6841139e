using System.Diagnostics;
using Builder.Cache.BuildCache;
using Builder.Cache.Layers;
using Builder.Graph;
using Builder.Oci;
using Builder.Solver.Caching;
using Builder.Solver.Context;
using Builder.Solver.Mounts;
using Builder.Solver.Progress;
using Builder.Solver.Scheduling;
using Builder.Solver.Snapshots;
using Builder.Solver.Sources;

namespace Builder.Solver.Ops;

/// <summary>
/// Runs each kind of build step on this machine: base images through <see cref="BaseImageProvider"/>, RUN through
/// <see cref="ExecStepRunner"/>, file actions (copies included) through <see cref="FileStepRunner"/>, and the sources of
/// files (the build context, http downloads, git repositories) made into directories once per build.
/// </summary>
/// <remarks>
/// RUN and file steps are looked up in the <see cref="CacheIndex"/> first, by a cache key: the step's <see cref="StepKey"/>
/// (its definition, its inputs' definitions, the base image's manifest digest) combined with its inputs' cache keys,
/// where a build context's key includes the content of the files it selected. An edit to a file re-runs the steps
/// that read it and nothing else. Records imported with <c>--cache-from</c> count as hits too, and their layers are
/// fetched only when a later step reads them (<see cref="LayerMaterializer"/>). Steps the <see cref="StepCache"/>
/// excludes (<c>--no-cache</c>, <c>--no-cache-filter</c>) always run.
/// </remarks>
public sealed class BuildStepExecutor(BaseImageProvider bases, ExecStepRunner exec, FileStepRunner files,
    BuildSources sources, RunMountOptions mountOptions, StepCache cache, LayerMaterializer layers, LayerWriteOptions layerOptions,
    IBuildProgress progress)
    : IStepExecutor<StepState>
{
    // The layers of steps that ran, being written and recorded while later steps run.
    private readonly System.Collections.Concurrent.ConcurrentBag<Task> _recording = [];

    /// <summary>Says why a RUN or file step missed the cache, and keeps what a later miss compares with; null for no reasons.</summary>
    public CacheMissExplainer? Explainer { get; init; }

    /// <summary>
    /// Explain without building (<c>imgbuild build --explain</c>): RUN and file steps are looked up and compared, every
    /// difference is reported, and nothing runs; sources (the context, base images) are still read, for their keys.
    /// </summary>
    public bool ExplainOnly { get; init; }

    /// <inheritdoc />
    public async Task<StepState> ExecuteAsync(BuildStep step, StepKey key, IReadOnlyList<StepState> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(inputs);
        progress.Started(step, key);
        Digest cacheKey = Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', [key.ToString(), .. inputs.Select(i => i.CacheKey.ToString()), .. LayerSalt()])));
        if (step is ExecStep or FileStep && cache.Find(step, cacheKey) is { } hit)
        {
            // The layer's directory exists, or is made from its blob (local, or fetched from an imported cache) when a
            // later step needs it; a step nothing reads from never fetches it.
            progress.Cached(step, key);
            string directory = layers.Register(new Cache.Images.ImageLayer(hit.Layer, hit.DiffId));
            return inputs[0].With(directory,
                Task.FromResult(new Cache.Images.ImageLayer(hit.Layer, hit.DiffId) { Created = hit.Created ?? DateTimeOffset.UtcNow }), cacheKey);
        }
        StepRecipe? recipe = null;
        IReadOnlyList<CacheMissExplainer.InputState> explained = [];
        if (step is ExecStep or FileStep && Explainer is { } explainer)
        {
            // Only a miss is compared: a build whose steps all hit never reads a recipe.
            explained = [.. step.Inputs.Select((input, i) => new CacheMissExplainer.InputState(input, inputs[i].CacheKey,
                inputs[i].Context is { } context ? context.Listing : null))];
            recipe = CacheMissExplainer.RecipeOf(step, cacheKey, explained, string.Join('\n', LayerSalt()));
            // Under --no-cache a record may well exist: the flag is the whole reason.
            IReadOnlyList<string> reasons = cache.UsesCache(step) ? explainer.Explain(step, recipe, explained) : [cache.NoCacheReason(step)];
            explainer.Ran(key);
            progress.CacheMissed(step, key, ExplainOnly ? reasons : [reasons[0]]);
            if (ExplainOnly)
                return new StepState(inputs[0].LayerResults, inputs[0].LowerDirectories, cacheKey);
        }
        // A build context a COPY reads is read in place; any other input needs its directories.
        if (step is ExecStep or FileStep)
            await layers.EnsureAsync(inputs.Where((input, i) => !ReadsInPlace(step, inputs, i)).SelectMany(i => i.LowerDirectories), cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        StepState result = step switch
        {
            ScratchStep => StepState.Known([], [], key.Digest),
            ImageSourceStep image => await BaseAsync(image, key, cancellationToken).ConfigureAwait(false),
            ExecStep run => Remember(step, inputs[0], cacheKey,
                await exec.RunAsync(run, [.. inputs.Select(i => (IReadOnlyList<string>)i.LowerDirectories)], mountOptions,
                    line => progress.Output(step, key, line), layerOptions, cancellationToken).ConfigureAwait(false)),
            FileStep file => Remember(step, inputs[0], cacheKey,
                await files.RunAsync(file, [.. inputs.Select(i => (IReadOnlyList<string>)i.LowerDirectories)],
                    [.. inputs.Select((input, i) => ReadsInPlace(step, inputs, i) ? input.Context : null)], layerOptions, cancellationToken).ConfigureAwait(false)),
            ContextSourceStep source => ReadContext(source, key, cancellationToken),
            HttpSourceStep http => await DirectoryAsync(key, (directory, token) => sources.Downloads.DownloadAsync(http, directory, token), cancellationToken).ConfigureAwait(false),
            GitSourceStep repository => await DirectoryAsync(key, (directory, token) =>
                (sources.Git ?? throw new InvalidOperationException($"ADD {repository.Describe()} needs git: install it with 'apt-get install git'"))
                    .FetchAsync(repository, directory, token), cancellationToken).ConfigureAwait(false),
            _ => throw new NotSupportedException($"not supported yet: {step.Describe()} when building"),
        };
        if (recipe is not null) Explainer!.Remember(step, recipe, explained);
        // A base image an earlier build unpacked needs nothing: BuildKit shows such a FROM as CACHED.
        if (step is ImageSourceStep && result.LowerDirectories is [string root] && Directory.Exists(root))
        {
            progress.Cached(step, key);
            return result;
        }
        progress.Finished(step, key, clock.Elapsed);
        return result;
    }

    // What changes a layer's bytes beyond the step itself: with SOURCE_DATE_EPOCH the file times are clamped, so a
    // layer made without it (or with another) must not be reused.
    private IEnumerable<string> LayerSalt() =>
        layerOptions.SourceDateEpoch is { } epoch ? [$"source-date-epoch={epoch.ToUnixTimeSeconds()}"] : [];

    /// <summary>
    /// Waits for the layers of the steps that ran to be written and their cache records made (each is written while
    /// later steps run); the first that failed throws, as its step's failure.
    /// </summary>
    /// <exception cref="StepFailedException">A step's layer could not be written or recorded.</exception>
    public Task SettleAsync() => Task.WhenAll(_recording);

    // The new layer goes on its input at once, and into the cache once it is written, with the time its step ended:
    // later hits keep that time in the image history, so a rebuild from the cache gives the same image digest (as
    // BuildKit's does). A step that ended has its record made even when a later step fails.
    private StepState Remember(BuildStep step, StepState input, Digest cacheKey, CommittedLayer committed)
    {
        DateTimeOffset created = DateTimeOffset.UtcNow;
        Task<Cache.Images.ImageLayer> layer = RecordAsync(step, cacheKey, committed.Layer, created);
        _recording.Add(layer);
        return input.With(committed.Directory, layer, cacheKey);
    }

    private async Task<Cache.Images.ImageLayer> RecordAsync(BuildStep step, Digest cacheKey, Task<LayerWriteResult> layer, DateTimeOffset created)
    {
        try
        {
            LayerWriteResult written = await layer.ConfigureAwait(false);
            await cache.AddAsync(cacheKey, new CacheRecord(written.Descriptor, written.DiffId) { Created = created }, CancellationToken.None).ConfigureAwait(false);
            return new Cache.Images.ImageLayer(written.Descriptor, written.DiffId) { Created = created };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new StepFailedException(step, e);
        }
    }

    // Input i of a file step is read in place when it is a build context only copies read (input 0 is the filesystem
    // the step changes, which must be a directory).
    private static bool ReadsInPlace(BuildStep step, IReadOnlyList<StepState> inputs, int i) =>
        step is FileStep && i > 0 && inputs[i].Context is not null;

    // A build context is hashed where it is, and nothing is copied: a COPY that runs reads it in place, and a step
    // that needs a directory (a bind mount, a stage FROM a named context) has it made once per build, through the
    // materializer, as a base image's tree is. The content goes into the cache key, so the steps reading it run
    // again exactly when the selected files change.
    private StepState ReadContext(ContextSourceStep source, StepKey key, CancellationToken cancellationToken)
    {
        SelectedContext selected = sources.Context.Read(source, sources.Hashes, cancellationToken);
        string directory = Path.Combine(sources.Directory, key.Digest.Encoded);
        layers.Register(directory, token => Filesystem.AtomicDirectory.CreateAsync(directory, selected.MaterializeAsync, token));
        return StepState.Known([], [directory], Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes($"{key}\n{selected.ContentHash}"))) with { Context = selected };
    }

    // A source of files (a download, a git repository) made into a directory once per build; its content goes into
    // the cache key, so the steps reading it run again exactly when the files change.
    private async Task<StepState> DirectoryAsync(StepKey key, Func<string, CancellationToken, Task> fill, CancellationToken cancellationToken)
    {
        string directory = Path.Combine(sources.Directory, key.Digest.Encoded);
        await Filesystem.AtomicDirectory.CreateAsync(directory, fill, cancellationToken).ConfigureAwait(false);
        string content = ContentHasher.Hash(directory, sources.Hashes);
        return StepState.Known([], [directory], Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes($"{key}\n{content}")));
    }

    // A base image is only resolved (manifest and config); its tree is unpacked when a step first needs it.
    private async Task<StepState> BaseAsync(ImageSourceStep step, StepKey key, CancellationToken cancellationToken)
    {
        ImageReference reference = step.ResolvedDigest is { } digest ? step.Image.WithDigest(digest) : step.Image;
        BaseImage image = await bases.ResolveAsync(reference, step.Platform, cancellationToken).ConfigureAwait(false);
        layers.Register(image.RootFilesystem, token => bases.UnpackAsync(image, token));
        return StepState.Known(
            [.. image.Manifest.Layers.Select((blob, i) => new Cache.Images.ImageLayer(blob, image.Config.RootFs.DiffIds[i]))],
            [image.RootFilesystem], key.Digest);
    }
}
