using System.Collections.Immutable;
using System.Globalization;
using Builder.Cache.BuildCache;
using Builder.Cache.Content;
using Builder.Cache.Distribution;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Cache.Layers;
using Builder.Frontend.Checks;
using Builder.Frontend.Context;
using Builder.Frontend.Conversion;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;
using Builder.Graph;
using Builder.Oci;
using Builder.Solver.Ops;
using Builder.Solver.Progress;
using Builder.Solver.Runtime;
using Builder.Solver.Sources;

namespace Builder.Engine;

/// <summary>
/// The engine every front end calls: turns one <see cref="BuildRequest"/> into images. It converts each target's
/// Dockerfile, solves all targets in one run (identical steps once, independent steps in parallel), writes each image
/// and sends it where its outputs say, exports build caches, and applies the store's size cap. It reads no
/// environment variable and writes to no console: everything it says goes to the <see cref="IBuildProgress"/>.
/// </summary>
/// <param name="options">The store, registries and tools.</param>
public sealed class BuildEngine(EngineOptions options)
{
    /// <summary>Builds <paramref name="request"/>'s targets.</summary>
    /// <exception cref="Frontend.Diagnostics.DockerfileException">A Dockerfile (or its .dockerignore) is wrong; nothing ran.</exception>
    /// <exception cref="Solver.Scheduling.StepFailedException">A step failed; the other steps were stopped.</exception>
    /// <exception cref="NotSupportedException">The request asks for something not supported yet.</exception>
    /// <exception cref="InvalidOperationException">runc is not installed.</exception>
    public async Task<BuildResult> BuildAsync(BuildRequest request, IBuildProgress progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(progress);
        if (request.Targets.IsDefaultOrEmpty) throw new ArgumentException("a build request needs at least one target", nameof(request));
        ImmutableArray<Platform> platforms = request.Platforms;
        if (platforms.IsDefaultOrEmpty) throw new ArgumentException("a build request needs at least one platform", nameof(request));
        if (platforms.Distinct().Count() != platforms.Length)
            throw new ArgumentException($"the platforms {string.Join(",", platforms)} name one platform twice", nameof(request));
        string runc = Find("runc") ?? throw new InvalidOperationException("building needs runc: install it with 'apt-get install runc'");

        var images = new ImageStore(new ContentStore(options.StoreRoot));
        DateTimeOffset? epoch = EpochOf(request);
        // The steps of targets that ask for no cache (filled once they are converted, before anything runs).
        var noCacheSteps = new HashSet<StepKey>();
        OutputSpec[][] outputs = [.. request.Targets.Select(t => t.Outputs.IsDefaultOrEmpty ? [new OutputSpec(OutputType.Image)] : t.Outputs.ToArray())];
        OutputSpec first = outputs[0][0];
        if (platforms.Length > 1) MultiPlatformOutputs.Check(outputs.SelectMany(o => o));
        // As BuildKit's Docker worker: a layer for the local image store is never compressed at step time. Compressing
        // dominates a big COPY or an apt RUN, and only what leaves the machine needs it; the exporters and push
        // compress such layers when they need to (LayerCompressor), once. An output that leaves the machine during the
        // build, or an inline cache (whose records name the blobs the pushed image will have), compresses at once.
        // Loading into the Docker engine (--load) is local too: its layers go uncompressed over the engine's socket.
        bool localOnly = outputs.SelectMany(o => o).All(o => (o.Type == OutputType.Image && !o.Push) || (o.Type == OutputType.Docker && o.Destination is null))
            && !request.Targets.Any(t => t.CacheExports.Any(c => c.Type == CacheLocationType.Inline));
        var sessionOptions = new BuildSessionOptions
        {
            ContextDirectory = request.Targets[0].ContextDirectory,
            Runc = runc,
            Git = Find("git"),
            Secrets = request.Secrets,
            SshAgents = request.SshAgents,
            Layers = new LayerWriteOptions
            {
                Compression = localOnly ? LayerCompression.Uncompressed : first.Compression,
                CompressionLevel = localOnly ? null : first.CompressionLevel,
                Flavor = first.OciMediaTypes ? LayerFlavor.Oci : LayerFlavor.Docker,
                SourceDateEpoch = epoch,
            },
            UseCache = request.NoCache ? _ => false
                : step => (step.Origin?.Stage is not { } stage || !request.NoCacheStages.Contains(stage)) && !noCacheSteps.Contains(StepKey.Of(step)),
            CacheImports = request.CacheImports,
            DockerHost = options.DockerHost,
            ForcePull = request.Pull,
            RunResources = request.RunResources.ToContainerResources(),
            NoCacheReason = step => request.NoCache ? "--no-cache"
                : noCacheSteps.Contains(StepKey.Of(step)) ? "no cache asked for this target (compose no_cache)" : $"--no-cache-filter {step.Origin?.Stage}",
            ExplainOnly = request.Explain,
            KeepFailedRuns = request.FailedStepDebugger is not null,
        };

        using RegistryClient registry = NewRegistryClient(progress);
        var explained = new ExplainTally(progress);
        using BuildSession session = await BuildSession.OpenAsync(images, registry, sessionOptions, request.Explain ? explained : progress, cancellationToken)
            .ConfigureAwait(false);

        var contextNames = new Dictionary<string, string>(StringComparer.Ordinal) { [Path.GetFullPath(request.Targets[0].ContextDirectory)] = ContextSourceStep.DefaultName };
        var namedDirectories = new Dictionary<string, string>(StringComparer.Ordinal);
        // One converted target per platform and request target: targets[platform][target].
        BuildTarget[][] targets = [.. platforms.Select(_ => new BuildTarget[request.Targets.Length])];
        // BuildKit's implicitTarget: with no --platform the image keeps its base image's platform; one other than this
        // machine's (or several) is asked for. (A --platform naming this machine alone is taken as not asked for.)
        bool platformGiven = platforms.Length > 1 || platforms[0] != Platform.Current;
        var checkWarnings = new List<CheckWarning>();
        foreach (int index in ConversionOrder(request.Targets))
        {
            TargetRequest target = request.Targets[index];
            // Targets reading one context directory share its steps; each other directory is a context of its own.
            string contextDirectory = Path.GetFullPath(target.ContextDirectory);
            if (!contextNames.TryGetValue(contextDirectory, out string? contextName))
            {
                contextName = ContextSourceStep.NamedPrefix + "context:" + contextDirectory;
                contextNames[contextDirectory] = contextName;
                session.Contexts.Add(contextName, contextDirectory);
            }
            ImmutableDictionary<string, NamedContext> named = await NamedContextImporter.ResolveAsync(
                target.NamedContexts.Where(n => n.Value is not NamedContextSource.Target).ToImmutableDictionary(), images, cancellationToken).ConfigureAwait(false);
            foreach ((string name, NamedContext context) in named.Where(n => n.Value.Directory is not null))
            {
                if (namedDirectories.TryGetValue(name, out string? other) && other != context.Directory)
                    throw new NotSupportedException($"not supported yet: the named context '{name}' pointing at two directories ({other}, {context.Directory}) in one build");
                namedDirectories[name] = context.Directory!;
                session.Contexts.Add(ContextSourceStep.NamedPrefix + name, context.Directory!);
            }
            // BuildKit's first vertexes: the Dockerfile and the .dockerignore as the frontend loads them.
            using (ProgressActivity loading = ProgressActivity.Start(progress, $"[internal] load build definition from {Path.GetFileName(target.DockerfilePath)}"))
                loading.Status($"transferring dockerfile: {System.Text.Encoding.UTF8.GetByteCount(target.DockerfileText)}B");
            ImmutableArray<string> ignorePatterns;
            using (ProgressActivity loading = ProgressActivity.Start(progress, "[internal] load .dockerignore"))
                ignorePatterns = DockerIgnoreFile.Load(target.ContextDirectory, target.DockerfilePath);
            for (int p = 0; p < platforms.Length; p++)
            {
                ImmutableDictionary<string, NamedContext> namedHere = named;
                foreach ((string name, NamedContextSource source) in target.NamedContexts)
                {
                    if (source is NamedContextSource.Target other)
                        namedHere = namedHere.SetItem(name, new NamedContext(null, null) { Target = targets[p][IndexOf(request.Targets, other.Name)] });
                }
                var conversion = new ConversionOptions
                {
                    Target = target.Stage,
                    BuildArgs = epoch is { } e && !target.BuildArgs.ContainsKey(SourceDateEpoch.Name)
                        ? target.BuildArgs.SetItem(SourceDateEpoch.Name, e.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
                        : target.BuildArgs,
                    TargetPlatform = platforms[p],
                    TargetPlatformGiven = platformGiven,
                    IgnorePatterns = ignorePatterns,
                    DefaultNetwork = target.Network ?? request.Network,
                    ExtraHosts = request.ExtraHosts.AddRange(target.ExtraHosts),
                    Ulimits = [.. request.Ulimits.Where(u => target.Ulimits.All(t => t.Name != u.Name)), .. target.Ulimits],
                    ShmSize = target.ShmSize ?? request.ShmSize,
                    Labels = target.Labels,
                    NamedContexts = namedHere,
                    ContextName = contextName,
                };
                // As BuildKit: every build runs the checks and shows what fired; with # check=error=true they fail it,
                // after conversion (whose errors come first). Once, for the first platform: the rules read the Dockerfile.
                CheckReport? checks = null;
                if (p == 0)
                {
                    checks = await session.CheckAsync(target.DockerfileText, target.DockerfilePath, conversion, cancellationToken).ConfigureAwait(false);
                    foreach (CheckWarning warning in checks.Warnings) progress.Message(BuildMessage.Warning(warning.Short));
                    checkWarnings.AddRange(checks.Warnings);
                }
                targets[p][index] = await session.ConvertAsync(target.DockerfileText, target.DockerfilePath, conversion, cancellationToken).ConfigureAwait(false);
                if (checks?.ErrorMessage is { } failed) throw CheckFailure(checks, failed, target.DockerfilePath);
                EntitlementCheck.Require(targets[p][index], request.Entitlements.Union(target.Entitlements));
                if (target.NoCache) noCacheSteps.UnionWith(new BuildGraph(targets[p][index]).Steps().Select(StepKey.Of));
            }
        }

        IReadOnlyList<StepState> states;
        try
        {
            // Every platform's targets in one solve: what they share (the context, stages built FROM
            // --platform=$BUILDPLATFORM) is key-equal and runs once.
            states = await session.SolveAsync([.. targets.SelectMany(t => t)], request.Jobs ?? int.MaxValue, cancellationToken).ConfigureAwait(false);
        }
        catch (Solver.Scheduling.StepFailedException failure) when (request.FailedStepDebugger is not null
            && failure.InnerException is ExecFailedException { Container: not null })
        {
            // Every other step has stopped (the scheduler waits for them): the front end gets the failed RUN's
            // container alone, and the session removes it, its mounts and its snapshot once the debugger returns.
            using FailedRunContainer container = ((ExecFailedException)failure.InnerException).Container!;
            await request.FailedStepDebugger.DebugAsync(failure, new FailedRun(container), cancellationToken).ConfigureAwait(false);
            throw;
        }
        if (request.Explain)
        {
            // Nothing ran, so there is no image: the comparison was the result.
            progress.Message(BuildMessage.Info(explained.Missed == 0
                ? $"explain: every step is cached ({explained.Cached} steps)"
                : $"explain: {explained.Missed} of {explained.Cached + explained.Missed} steps would run"));
            return new BuildResult([]);
        }

        var results = ImmutableArray.CreateBuilder<TargetResult>(request.Targets.Length);
        for (int i = 0; i < request.Targets.Length; i++)
        {
            TargetRequest target = request.Targets[i];
            StepState[] perPlatform = [.. platforms.Select((_, p) => states[p * request.Targets.Length + i])];
            var manifests = new Descriptor[platforms.Length];
            for (int p = 0; p < platforms.Length; p++)
            {
                manifests[p] = await session.AssembleAsync(targets[p][i], perPlatform[p], outputs[i][0].OciMediaTypes, epoch,
                    target.CacheExports.Any(c => c.Type == CacheLocationType.Inline), target.Annotations, cancellationToken).ConfigureAwait(false);
            }
            Descriptor image = platforms.Length == 1 ? manifests[0]
                : await ImageAssembler.AssembleIndexAsync(images.Content, [.. manifests.Zip(platforms)], cancellationToken).ConfigureAwait(false);
            await session.ExportAsync(image, perPlatform, outputs[i], target.Names, platforms[0], request.StandardOutput, cancellationToken).ConfigureAwait(false);
            await session.ExportCacheAsync(target.CacheExports, perPlatform, CacheMountArchive.IdsUsedBy([.. targets.Select(t => t[i])]), cancellationToken).ConfigureAwait(false);
            // An index has no config: as buildx, its digest is the image ID (--iidfile, -q).
            Digest config = platforms.Length == 1
                ? ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(images.Content, image.Digest)).Config.Digest
                : image.Digest;
            results.Add(new TargetResult(target.Name, targets[0][i].StageName, image, config, target.Names));
        }
        await session.FinishAsync(options.StorageCap, cancellationToken).ConfigureAwait(false);
        return new BuildResult(results.MoveToImmutable()) { CheckWarnings = [.. checkWarnings] };
    }

    /// <summary>
    /// <c>--check</c> (buildx's <c>--call check</c>): runs the build checks over <paramref name="target"/>'s Dockerfile
    /// without building: every stage when it names no stage, else the stages its stage reaches. Base images' configs
    /// are resolved (their ENV and SHELL matter to the checks); the Dockerfile is converted, so an error a build would
    /// meet before running any step is reported too.
    /// </summary>
    public async Task<CheckOutcome> CheckAsync(TargetRequest target, Platform platform, IBuildProgress progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(progress);
        var images = new ImageStore(new ContentStore(options.StoreRoot));
        using RegistryClient registry = NewRegistryClient(progress);
        var resolver = new BaseImageConfigResolver(new BaseImageProvider(images, registry, new BlobFetcher()), progress);
        var conversion = new ConversionOptions
        {
            Target = target.Stage,
            BuildArgs = target.BuildArgs,
            TargetPlatform = platform,
            IgnorePatterns = DockerIgnoreFile.Load(target.ContextDirectory, target.DockerfilePath),
            Labels = target.Labels,
            NamedContexts = await NamedContextImporter.ResolveAsync(target.NamedContexts, images, cancellationToken).ConfigureAwait(false),
        };
        DockerfileSyntax syntax = DockerfileParser.Parse(target.DockerfileText, target.DockerfilePath);
        CheckReport report = await DockerfileChecker.CheckAsync(syntax, conversion, allStages: target.Stage is null, resolver, cancellationToken).ConfigureAwait(false);
        try
        {
            await DockerfileConverter.ConvertAsync(syntax, conversion, resolver, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerfileException e)
        {
            return new CheckOutcome(report, e.Diagnostic);
        }
        return new CheckOutcome(report, report.ErrorMessage is { } failed ? CheckFailure(report, failed, target.DockerfilePath).Diagnostic : null);
    }

    // BuildKit's linter.Error, where the first warning is.
    private static DockerfileException CheckFailure(CheckReport checks, string message, string file) =>
        new(new DockerfileDiagnostic(DiagnosticCodes.BuildCheckFailed, checks.Warnings.Select(w => w.Location).FirstOrDefault() ?? SourceSpan.At(file, 1, 1),
            string.Empty, message, "fix what the warnings say, or leave a rule out with # check=skip=<rule>"));

    private RegistryClient NewRegistryClient(IBuildProgress progress) => new(new RegistryClientOptions
    {
        Credentials = options.DockerConfigPath is { } configPath ? new DockerConfigCredentials(configPath) : null,
        InsecureRegistries = [.. options.InsecureRegistries],
        ConnectTimeout = options.RegistryConnectTimeout,
        IdleTimeout = options.RegistryIdleTimeout,
        WaitingReportInterval = TimeSpan.FromTicks(Math.Clamp(options.RegistryIdleTimeout.Ticks / 3, TimeSpan.TicksPerSecond, 10 * TimeSpan.TicksPerSecond)),
        Waiting = waiting => progress.Message(BuildMessage.Info(waiting)),
    });

    /// <summary>
    /// Removes what killed builds left in the store (their runc containers, mounts and work folders), as every build
    /// does when it starts, and what builds of earlier versions left under <c>work/</c>. For <c>prune</c>: the caller
    /// holds the store's build lock exclusively, so no build is running.
    /// </summary>
    public async Task<AbandonedBuildsReport> RecoverAbandonedBuildsWhileLockedAsync(CancellationToken cancellationToken = default)
    {
        var layout = new StoreLayout(options.StoreRoot);
        RuncRuntime? runtime = Find("runc") is { } runc ? new RuncRuntime(runc, layout.Runc) : null;
        return await new AbandonedBuildRecovery(layout, runtime).RecoverAsync(noBuildRunning: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The order to convert targets in: a target whose named context is another target (<see cref="NamedContextSource.Target"/>)
    /// comes after it, so its conversion can start from that target's result.
    /// </summary>
    /// <exception cref="ArgumentException">A named context names no target of the request, or targets name each other in a cycle.</exception>
    private static List<int> ConversionOrder(ImmutableArray<TargetRequest> targets)
    {
        var order = new List<int>(targets.Length);
        var state = new int[targets.Length]; // 0: not visited, 1: being visited, 2: done
        void Visit(int index)
        {
            if (state[index] == 2) return;
            if (state[index] == 1)
                throw new ArgumentException($"the targets' named contexts form a cycle through '{targets[index].Name}'", nameof(targets));
            state[index] = 1;
            foreach (NamedContextSource.Target other in targets[index].NamedContexts.Values.OfType<NamedContextSource.Target>())
                Visit(IndexOf(targets, other.Name));
            state[index] = 2;
            order.Add(index);
        }
        for (int i = 0; i < targets.Length; i++) Visit(i);
        return order;
    }

    private static int IndexOf(ImmutableArray<TargetRequest> targets, string name)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            if (targets[i].Name == name) return i;
        }
        throw new ArgumentException($"a named context names the target '{name}', which the request does not have", nameof(targets));
    }

    // SOURCE_DATE_EPOCH: a build arg wins over the caller's environment; all targets of one build share one epoch.
    private static DateTimeOffset? EpochOf(BuildRequest request)
    {
        DateTimeOffset?[] epochs = [.. request.Targets.Select(t => SourceDateEpoch.From(t.BuildArgs, null) ?? request.SourceDateEpoch).Distinct()];
        return epochs.Length == 1 ? epochs[0]
            : throw new NotSupportedException($"not supported yet: targets with different {SourceDateEpoch.Name} values in one build");
    }

    private string? Find(string executable) =>
        options.SearchPath.Select(directory => Path.Combine(directory, executable)).FirstOrDefault(File.Exists);
}
