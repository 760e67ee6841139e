using System.Collections.Immutable;
using Builder.Cache.BuildCache;
using Builder.Cache.Content;
using Builder.Cache.Distribution;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Cache.Layers;
using Builder.Frontend.Conversion;
using Builder.Frontend.Syntax;
using Builder.Graph;
using Builder.Oci;
using Builder.Solver.Caching;
using Builder.Solver.Context;
using Builder.Solver.Mounts;
using Builder.Solver.Ops;
using Builder.Solver.Progress;
using Builder.Solver.Runtime;
using Builder.Solver.Scheduling;
using Builder.Solver.Snapshots;
using Builder.Solver.Sources;

namespace Builder.Engine;

/// <summary>What a build session needs beyond the store: contexts, mounts' inputs, layer format and caches.</summary>
internal sealed record BuildSessionOptions
{
    /// <summary>The main build context directory.</summary>
    public required string ContextDirectory { get; init; }

    /// <summary>The runc binary.</summary>
    public required string Runc { get; init; }

    /// <summary>The git binary, or null when git is not installed (ADD of a git repository then fails).</summary>
    public string? Git { get; init; }

    /// <summary>Secrets by id (<c>--secret</c>).</summary>
    public ImmutableDictionary<string, byte[]> Secrets { get; init; } = ImmutableDictionary<string, byte[]>.Empty;

    /// <summary>SSH agent sockets by id (<c>--ssh</c>).</summary>
    public ImmutableDictionary<string, string> SshAgents { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>How new layers are written.</summary>
    public LayerWriteOptions Layers { get; init; } = new();

    /// <summary>Which steps may use the build cache.</summary>
    public Predicate<BuildStep> UseCache { get; init; } = _ => true;

    /// <summary>Resolve base images with a tag in their registry even when the store has them (<c>--pull</c>).</summary>
    public bool ForcePull { get; init; }

    /// <summary>Caches to import (<c>--cache-from</c>).</summary>
    public IReadOnlyList<CacheSpec> CacheImports { get; init; } = [];

    /// <summary>The Docker engine that <c>--load</c> loads into (a <c>DOCKER_HOST</c> value).</summary>
    public string DockerHost { get; init; } = DockerEngineClient.DefaultHost;

    /// <summary>Why a step may not use the cache, as a miss reason.</summary>
    public Func<BuildStep, string> NoCacheReason { get; init; } = _ => "--no-cache";

    /// <summary>Compare and report every step without running any (<c>--explain</c>).</summary>
    public bool ExplainOnly { get; init; }

    /// <summary>The cgroup limits of RUN containers.</summary>
    public ContainerResources RunResources { get; init; } = ContainerResources.None;

    /// <summary>Keep a failed RUN's container (for <c>--on-error=shell</c>) until the session ends.</summary>
    public bool KeepFailedRuns { get; init; }
}

/// <summary>
/// One build against the store, for <c>imgbuild build</c> and <c>imgbuild compose</c>: the runtime, snapshots, base
/// images, build cache and imported caches, and an executor that runs any number of targets in one solve (identical
/// steps of several targets run once). It holds the store's build lock until disposed, then saves the stat cache and
/// removes its temporary directories.
/// </summary>
internal sealed class BuildSession : IDisposable
{
    private readonly FileLock _lease;
    private readonly BuildWorkspace _workspace;
    private readonly SnapshotCommitter _committer;
    private readonly SnapshotCleanup _snapshotCleanup = new();
    private readonly BundleTmpfs _bundles;
    private readonly StatCache _statCache;
    private readonly HttpClient _downloads = new();
    private readonly string _contexts;
    private readonly string _work;
    private readonly LayerWriteOptions _layerOptions;
    private readonly string _dockerHost;
    private readonly List<FailedRunContainer> _failedRuns = [];
    private BaseImageConfigResolver? _configs;

    private BuildSession(ImageStore images, RegistryClient registry, BuildSessionOptions options, IBuildProgress progress, FileLock lease,
        BuildWorkspace workspace, bool flushWrites, CancellationToken cancellationToken)
    {
        Images = images;
        Registry = registry;
        Progress = progress;
        _lease = lease;
        _workspace = workspace;
        _layerOptions = options.Layers;
        _dockerHost = options.DockerHost;
        StoreLayout layout = images.Content.Layout;
        // Everything this build makes outside the content store and the build cache is under its workspace (or named
        // with its id), so that if it is killed the next build or prune finds and removes it.
        _work = workspace.Directory;
        // "b", not "bundles": an SSH agent socket under it must fit a unix socket path (108 bytes).
        _bundles = new BundleTmpfs(Path.Combine(_work, "b"));
        ISnapshotter snapshotter = new ProbingSnapshotter(_work,
            () => progress.Message(BuildMessage.Warning("overlayfs is not available here; using the copying snapshotter (slower)")),
            volatileMounts: !flushWrites, _snapshotCleanup);
        Fetcher = new BlobFetcher();
        Bases = new BaseImageProvider(images, registry, Fetcher) { ForcePull = options.ForcePull };
        _committer = new SnapshotCommitter(images.Content, _work, layout.Layers, flushBlobs: flushWrites, stopping: cancellationToken);
        SnapshotCommitter committer = _committer;
        Imported = new ImportedCache(Fetcher);
        StepCache = new StepCache(new CacheIndex(images), Imported, options.UseCache) { NoCacheReason = options.NoCacheReason };
        Materializer = new LayerMaterializer(committer, images.Content, Fetcher);
        Contexts = new BuildContextSource(options.ContextDirectory);
        // Build contexts are read in place; one a step needs as a directory (a bind mount, a stage FROM a named context)
        // is made here, as are downloads and git checkouts, and all are deleted with the workspace when the build ends.
        _contexts = Path.Combine(_work, "context-" + Guid.NewGuid().ToString("N")[..12]);
        _statCache = StatCache.Load(layout.StatCache);
        CacheMounts = new CacheMountArchive(images.Content, Imported, Fetcher);
        var mounts = new RunMountOptions(layout.CacheMounts, options.Secrets, snapshotter, _work) { SshAgents = options.SshAgents, ImportedCacheMounts = CacheMounts };
        Executor = new BuildStepExecutor(Bases, new ExecStepRunner(snapshotter, new RuncRuntime(options.Runc, layout.Runc), committer, _work)
            {
                Bundles = _bundles,
                ContainerPrefix = workspace.ContainerPrefix,
                Resources = options.RunResources,
                KeepFailed = options.KeepFailedRuns ? KeepFailedRun : null,
            },
            new FileStepRunner(snapshotter, committer, _work),
            new BuildSources(Contexts, new HttpDownloader(_downloads), options.Git is { } git ? new GitFetcher(git) : null, _contexts, _statCache),
            mounts, StepCache, Materializer, options.Layers, progress)
        {
            Explainer = new CacheMissExplainer(new StepRecipeIndex(layout.CacheIndex)),
            ExplainOnly = options.ExplainOnly,
        };
    }

    public ImageStore Images { get; }

    public RegistryClient Registry { get; }

    public IBuildProgress Progress { get; }

    public BlobFetcher Fetcher { get; }

    public BaseImageProvider Bases { get; }

    public ImportedCache Imported { get; }

    /// <summary>Cache mount contents: restored from imported caches, exported with <c>cache-mounts=true</c>.</summary>
    public CacheMountArchive CacheMounts { get; }

    public StepCache StepCache { get; }

    public LayerMaterializer Materializer { get; }

    public BuildContextSource Contexts { get; }

    public BuildStepExecutor Executor { get; }

    /// <summary>Opens a session: takes the build lock shared and imports the caches (an unreadable one is a warning).</summary>
    public static async Task<BuildSession> OpenAsync(ImageStore images, RegistryClient registry, BuildSessionOptions options, IBuildProgress progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        // Held for the whole build: pruning waits for it, so nothing this build uses is removed under it.
        Directory.CreateDirectory(images.Content.Layout.Locks);
        StoreLayout layout = images.Content.Layout;
        var recovery = new AbandonedBuildRecovery(layout, new RuncRuntime(options.Runc, layout.Runc));
        // With no other build running (the lock is free to take exclusively), what builds of earlier versions left
        // can go too; otherwise only dead builds' workspaces.
        AbandonedBuildsReport? recovered = null;
        using (FileLock? alone = FileLock.TryAcquire(layout.BuildLock, exclusive: true))
        {
            if (alone is not null) recovered = await recovery.RecoverAsync(noBuildRunning: true, cancellationToken).ConfigureAwait(false);
        }
        FileLock lease = await FileLock.AcquireAsync(layout.BuildLock, exclusive: false, cancellationToken).ConfigureAwait(false);
        bool flushWrites;
        BuildWorkspace workspace;
        try
        {
            recovered ??= await recovery.RecoverAsync(noBuildRunning: false, cancellationToken).ConfigureAwait(false);
            if (!recovered.IsEmpty) progress.Message(BuildMessage.Warning($"removed what killed builds left: {recovered}"));
            flushWrites = !OpenUnflushedWindow(layout, progress, cancellationToken);
            workspace = BuildWorkspace.Create(layout);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
        BuildSession session;
        try
        {
            session = new BuildSession(images, registry, options, progress, lease, workspace, flushWrites, cancellationToken);
        }
        catch
        {
            workspace.Dispose();
            lease.Dispose();
            throw;
        }
        try
        {
            var transfer = new CacheTransfer(images.Content, registry);
            foreach (CacheSpec import in options.CacheImports)
            {
                try
                {
                    int count = await transfer.ImportAsync(import, session.Imported, cancellationToken).ConfigureAwait(false);
                    progress.Message(BuildMessage.Info($"imported {count} cache records from {import.Location}"));
                }
                catch (Exception e) when (e is FormatException or RegistryException or IOException)
                {
                    // As buildx: a cache that cannot be read is a warning, and the build runs without it.
                    progress.Message(BuildMessage.Warning($"cannot import the cache from {import.Location}: {e.Message}"));
                }
            }
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    // Snapshots and layer blobs are written without waiting for the disk once this boot's window is recorded; what
    // an earlier boot left unflushed is checked first. False (flush as before) where the window cannot be recorded.
    private static bool OpenUnflushedWindow(StoreLayout layout, IBuildProgress progress, CancellationToken cancellationToken)
    {
        if (UnflushedWrites.ForThisBoot(layout) is not { } unflushed) return false;
        UnflushedRecovery recovery = unflushed.RecoverEarlierBoots(cancellationToken);
        if (recovery.WindowsChecked > 0)
            progress.Message(BuildMessage.Warning(
                $"the machine stopped before earlier builds' writes were all on disk: checked {recovery.BlobsChecked} blobs written then, " +
                $"removed {recovery.BlobsRemoved} damaged ones, and dropped {recovery.DerivedRemoved} cache records and unpacked layers to make again"));
        try
        {
            unflushed.Begin();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Converts a Dockerfile into its target (base image configs are resolved through this session).</summary>
    /// <exception cref="Frontend.Diagnostics.DockerfileException">The Dockerfile is wrong.</exception>
    public async Task<BuildTarget> ConvertAsync(string text, string path, ConversionOptions options, CancellationToken cancellationToken)
    {
        DockerfileSyntax syntax = DockerfileParser.Parse(text, path);
        BuildGraph graph = await DockerfileConverter.ConvertAsync(syntax, options, Configs, cancellationToken).ConfigureAwait(false);
        return graph.Targets[0];
    }

    /// <summary>
    /// Runs the build checks over a Dockerfile as its build reaches it (base image configs are resolved through this
    /// session, as conversion's are).
    /// </summary>
    /// <exception cref="Frontend.Diagnostics.DockerfileException">The Dockerfile or its check configuration is wrong.</exception>
    public Task<Frontend.Checks.CheckReport> CheckAsync(string text, string path, ConversionOptions options, CancellationToken cancellationToken) =>
        Frontend.Checks.DockerfileChecker.CheckAsync(DockerfileParser.Parse(text, path), options, allStages: false, Configs, cancellationToken);

    // One resolver for the checks and the conversion, so each base image's "load metadata" shows once.
    private BaseImageConfigResolver Configs => _configs ??= new BaseImageConfigResolver(Bases, Progress);

    /// <summary>Runs <paramref name="targets"/> in one solve, independent steps in parallel, identical steps once.</summary>
    /// <exception cref="StepFailedException">A step failed; the others were stopped.</exception>
    /// <remarks>Returns once every layer is written and recorded: a step's layer is written while later steps run.</remarks>
    public async Task<IReadOnlyList<StepState>> SolveAsync(IReadOnlyList<BuildTarget> targets, int jobs, CancellationToken cancellationToken)
    {
        IReadOnlyList<StepState> states = await new StepScheduler<StepState>(Executor, jobs).SolveAsync([.. targets.Select(t => t.Step)], cancellationToken)
            .ConfigureAwait(false);
        await Executor.SettleAsync().ConfigureAwait(false);
        return states;
    }

    /// <summary>Writes the image of <paramref name="target"/> (config, history times, inline cache) into the store.</summary>
    public async Task<Descriptor> AssembleAsync(BuildTarget target, StepState state, bool ociMediaTypes, DateTimeOffset? sourceDateEpoch, bool inlineCache,
        IReadOnlyDictionary<string, string> annotations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(state);
        ImageConfig config = HistoryTimes.Stamp(target.Config, state.Layers, DateTimeOffset.UtcNow, sourceDateEpoch);
        IReadOnlyList<ImageLayer> layers = await LocalLayersAsync(state, cancellationToken).ConfigureAwait(false);
        if (inlineCache)
        {
            // --cache-to type=inline: the records of the image's own layers go into its config, naming the blobs the
            // image itself names (a layer cached uncompressed by an earlier local build is compressed by now).
            Dictionary<Digest, Descriptor> blobs = state.Layers.Zip(layers).ToDictionary(p => p.First.Blob.Digest, p => p.Second.Blob);
            Dictionary<Digest, CacheRecord> records = RecordsOf([state], CacheExportMode.Min)
                .ToDictionary(r => r.Key, r => blobs.TryGetValue(r.Value.Layer.Digest, out Descriptor? blob) ? r.Value with { Layer = blob } : r.Value);
            config = config with
            {
                ExtraFields = config.ExtraFields.SetItem(CacheManifest.InlineField, System.Text.Encoding.UTF8.GetString(CacheManifest.SerializeConfig(records))),
            };
        }
        return await ImageAssembler.AssembleAsync(Images.Content, config, layers, ociMediaTypes, cancellationToken, Fetcher.ReaderOver(Images.Content), annotations)
            .ConfigureAwait(false);
    }

    // The image's layers in the form this build stores them, whichever way they came, so the image has the manifest
    // a build that ran every step would have given. A build that stores its layers uncompressed stores the layers it
    // found in an imported cache (compressed, as every cache leaves the machine) uncompressed too. A build whose
    // output leaves the machine compresses the layers an earlier local build cached uncompressed (once: the
    // compressor remembers them), so the digest it reports is the one it pushes or exports.
    private async Task<IReadOnlyList<ImageLayer>> LocalLayersAsync(StepState state, CancellationToken cancellationToken)
    {
        if (_layerOptions.Compression != LayerCompression.Uncompressed)
        {
            if (!state.Layers.Any(l => LayerCompressor.IsUncompressedLayer(l.Blob.MediaType))) return state.Layers;
            var compressing = new LayerCompressor(Images.Content);
            IReadOnlyDictionary<Digest, Descriptor> compressed =
                await compressing.CompressLayersAsync(state.Layers.Select(l => l.Blob), _layerOptions, cancellationToken).ConfigureAwait(false);
            Progress.Message(BuildMessage.Info($"compressed {compressing.LayersCompressed} layers for export, {compressing.LayersReused} already compressed"));
            return [.. state.Layers.Select(l => compressed.TryGetValue(l.Blob.Digest, out Descriptor? blob) ? l with { Blob = blob } : l)];
        }
        var imported = StepCache.Used.Where(u => ReferenceEquals(Imported.Find(u.Key), u.Value)).Select(u => u.Value.Layer.Digest).ToHashSet();
        if (!state.Layers.Any(l => imported.Contains(l.Blob.Digest) && !LayerCompressor.IsUncompressedLayer(l.Blob.MediaType))) return state.Layers;
        var compressor = new LayerCompressor(Images.Content);
        var layers = new List<ImageLayer>(state.Layers.Length);
        foreach (ImageLayer layer in state.Layers)
        {
            if (!imported.Contains(layer.Blob.Digest) || LayerCompressor.IsUncompressedLayer(layer.Blob.MediaType))
            {
                layers.Add(layer);
                continue;
            }
            await Fetcher.EnsureAsync(Images.Content, layer.Blob.Digest, cancellationToken).ConfigureAwait(false);
            layers.Add(layer with { Blob = await compressor.DecompressLayerAsync(layer.Blob, layer.DiffId, cancellationToken).ConfigureAwait(false) });
        }
        return layers;
    }

    /// <summary>
    /// Sends the image (a manifest, or an index over <paramref name="states"/>' manifests) where <paramref name="outputs"/>
    /// say, fetching the layers they need.
    /// </summary>
    public async Task ExportAsync(Descriptor manifest, IReadOnlyList<StepState> states, IReadOnlyList<OutputSpec> outputs, ImmutableArray<ImageReference> names, Platform platform,
        Stream? standardOutput, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(states);
        // Outputs other than a registry push read every layer from the store: fetch what the imported caches hold.
        if (outputs.Any(e => e.Type != OutputType.Registry))
        {
            foreach (StepState state in states)
                await Materializer.EnsureBlobsAsync(state.Layers, cancellationToken).ConfigureAwait(false);
        }
        using DockerEngineClient? docker = outputs.Any(o => o.Type == OutputType.Docker && o.Destination is null) ? new DockerEngineClient(_dockerHost) : null;
        var exporter = new ImageExporter(Images, Registry, standardOutput ?? Stream.Null, _work, Fetcher.ReaderOver(Images.Content), Imported.Repositories.FirstOrDefault(), docker);
        foreach (OutputSpec output in outputs)
        {
            // BuildKit's exporter vertexes: "exporting to image" with a status per part (exporter/containerimage).
            using (ProgressActivity exporting = ProgressActivity.Start(Progress, ExportingName(output)))
            {
                await exporter.ExportAsync(output, manifest, names, platform, cancellationToken).ConfigureAwait(false);
                if (output.Type == OutputType.Image)
                {
                    exporting.Status("exporting layers");
                    exporting.Status($"writing image {manifest.Digest}");
                    foreach (ImageReference name in names) exporting.Status($"naming to {name}");
                }
                else if (output.Push)
                {
                    foreach (ImageReference name in names) exporting.Status($"pushing {name}");
                }
            }
            if (output.Type == OutputType.Docker && output.Destination is null && exporter.DockerLoads is [.., DockerLoadResult load])
                Progress.Message(BuildMessage.Info($"loaded into the Docker engine at {load.Host}: {load.LayersSent} layers sent, {load.LayersKnown} it had" +
                    (load.Reply.Length > 0 ? $" ({load.Reply})" : "")));
            else
                Progress.Message(BuildMessage.Info($"exported to {output.Type.ToString().ToLowerInvariant()}{(output.Destination is { } d ? " " + d : "")}{(output.Push ? " (pushed)" : "")}"));
        }
        if (exporter.LayersCompressed is (int compressed, int reused) && compressed + reused > 0)
            Progress.Message(BuildMessage.Info($"compressed {compressed} layers for export, {reused} already compressed"));
    }

    // BuildKit's names for its exporters' vertexes.
    private static string ExportingName(OutputSpec output) => output.Type switch
    {
        OutputType.Image or OutputType.Registry => "exporting to image",
        OutputType.Oci or OutputType.OciLayout => "exporting to oci image format",
        OutputType.Docker => "exporting to docker image format",
        OutputType.Local => "copying files",
        OutputType.Tar => "copying files",
        _ => "exporting",
    };

    /// <summary>Exports the build cache: mode=min the layers of <paramref name="finals"/>, mode=max every step this session ran or found.</summary>
    /// <remarks>An export with <c>cache-mounts=true</c> also carries the cache mounts <paramref name="cacheMountIds"/> names.</remarks>
    public async Task ExportCacheAsync(IEnumerable<CacheSpec> exports, IEnumerable<StepState> finals, IReadOnlyList<string> cacheMountIds,
        CancellationToken cancellationToken)
    {
        var transfer = new CacheTransfer(Images.Content, Registry);
        foreach (CacheSpec export in exports.Where(c => c.Type != CacheLocationType.Inline))
        {
            Dictionary<Digest, CacheRecord> records = RecordsOf(finals, export.Mode);
            IReadOnlyList<CacheMountRecord> mounts = export.CacheMounts
                ? await CacheMounts.ExportAsync(export, cacheMountIds, Progress, cancellationToken).ConfigureAwait(false)
                : [];
            await transfer.ExportAsync(export, records, mounts, Fetcher.ReaderOver(Images.Content), Imported.Repositories.FirstOrDefault()?.Repository, cancellationToken).ConfigureAwait(false);
            Progress.Message(BuildMessage.Info($"exported {records.Count} cache records to {export.Location} (mode={export.Mode.ToString().ToLowerInvariant()})"));
        }
    }

    // mode=min: the records whose layers are in the final images; mode=max: every record this session used or made.
    private Dictionary<Digest, CacheRecord> RecordsOf(IEnumerable<StepState> finals, CacheExportMode mode)
    {
        var finalLayers = finals.SelectMany(f => f.Layers).Select(l => l.Blob.Digest).ToHashSet();
        return StepCache.Used.Where(r => mode == CacheExportMode.Max || finalLayers.Contains(r.Value.Layer.Digest)).ToDictionary(r => r.Key, r => r.Value);
    }

    /// <summary>Ends a successful build: reports what was fetched, releases the build lock and applies the store's size cap.</summary>
    public async Task FinishAsync(StorageCap cap, CancellationToken cancellationToken)
    {
        Progress.Message(BuildMessage.Info($"fetched {Fetcher.BlobsFetched} layer blobs ({Fetcher.BytesFetched} bytes)"));
        if (CacheMounts.Restored > 0) Progress.Message(BuildMessage.Info($"restored {CacheMounts.Restored} cache mounts from imported caches"));
        _lease.Dispose();
        await cap.ApplyAsync(Images, Progress, cancellationToken).ConfigureAwait(false);
    }

    // A failed RUN's container waits for the engine to hand it to the debugger; whatever was not disposed by then
    // (a second step that failed at the same time) goes with the session.
    private void KeepFailedRun(FailedRunContainer container)
    {
        lock (_failedRuns) _failedRuns.Add(container);
    }

    /// <summary>Saves the stat cache, unmounts and deletes the build's workspace (its secrets with it) and releases the build lock.</summary>
    public void Dispose()
    {
        lock (_failedRuns)
        {
            foreach (FailedRunContainer failed in _failedRuns) failed.Dispose();
            _failedRuns.Clear();
        }
        _statCache.Save();
        _statCache.Dispose();
        _downloads.Dispose();
        try
        {
            // Steps that ended before a failure still have their layers written and recorded (cancelled only with the build).
            try
            {
                Executor.SettleAsync().Wait();
            }
            catch (AggregateException)
            {
                // reported by the step, or the build failed before
            }
            _bundles.Dispose();
            // Steps release their own snapshots; anything still mounted (a step that failed to) must go before the folder.
            MountTable.UnmountUnder(_workspace.Directory);
            // Nothing stacks the committed directories now: they go where later builds find them.
            _committer.Publish();
        }
        finally
        {
            // Ended snapshots' folders are deleted in the background (unmounted already); the workspace goes after them.
            _snapshotCleanup.Drain();
            _workspace.Dispose();
            _lease.Dispose();
        }
    }
}
