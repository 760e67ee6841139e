using System.Collections.Immutable;
using System.Globalization;
using Builder.Cache.BuildCache;
using Builder.Cache.Content;
using Builder.Cache.Distribution;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Cache.Layers;
using Builder.Frontend.Context;
using Builder.Frontend.Conversion;
using Builder.Graph;
using Builder.Oci;
using Builder.Solver.Ops;
using Builder.Solver.Progress;
using Builder.Solver.Runtime;

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
        if (request.Platform != Platform.Current)
            throw new NotSupportedException($"--platform '{request.Platform}': only {Platform.Current} (this machine's platform) can be built");
        string runc = Find("runc") ?? throw new InvalidOperationException("building needs runc: install it with 'apt-get install runc'");

        var images = new ImageStore(new ContentStore(options.StoreRoot));
        DateTimeOffset? epoch = EpochOf(request);
        OutputSpec[][] outputs = [.. request.Targets.Select(t => t.Outputs.IsDefaultOrEmpty ? [new OutputSpec(OutputType.Image)] : t.Outputs.ToArray())];
        OutputSpec first = outputs[0][0];
        // As BuildKit's Docker worker: a layer for the local image store is never compressed at step time. Compressing
        // dominates a big COPY or an apt RUN, and only what leaves the machine needs it; the exporters and push
        // compress such layers when they need to (LayerCompressor), once. An output that leaves the machine during the
        // build, or an inline cache (whose records name the blobs the pushed image will have), compresses at once.
        bool localOnly = outputs.SelectMany(o => o).All(o => o.Type == OutputType.Image && !o.Push)
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
                : step => step.Origin?.Stage is not { } stage || !request.NoCacheStages.Contains(stage),
            CacheImports = request.CacheImports,
            RunResources = request.RunResources.ToContainerResources(),
            NoCacheReason = step => request.NoCache ? "--no-cache" : $"--no-cache-filter {step.Origin?.Stage}",
            ExplainOnly = request.Explain,
        };

        using RegistryClient registry = new(new RegistryClientOptions
        {
            Credentials = options.DockerConfigPath is { } configPath ? new DockerConfigCredentials(configPath) : null,
            InsecureRegistries = [.. options.InsecureRegistries],
            ConnectTimeout = options.RegistryConnectTimeout,
            IdleTimeout = options.RegistryIdleTimeout,
            WaitingReportInterval = TimeSpan.FromTicks(Math.Clamp(options.RegistryIdleTimeout.Ticks / 3, TimeSpan.TicksPerSecond, 10 * TimeSpan.TicksPerSecond)),
            Waiting = waiting => progress.Message(BuildMessage.Info(waiting)),
        });
        var explained = new ExplainTally(progress);
        using BuildSession session = await BuildSession.OpenAsync(images, registry, sessionOptions, request.Explain ? explained : progress, cancellationToken)
            .ConfigureAwait(false);

        var contextNames = new Dictionary<string, string>(StringComparer.Ordinal) { [Path.GetFullPath(request.Targets[0].ContextDirectory)] = ContextSourceStep.DefaultName };
        var namedDirectories = new Dictionary<string, string>(StringComparer.Ordinal);
        var targets = new List<BuildTarget>();
        foreach (TargetRequest target in request.Targets)
        {
            // Targets reading one context directory share its steps; each other directory is a context of its own.
            string contextDirectory = Path.GetFullPath(target.ContextDirectory);
            if (!contextNames.TryGetValue(contextDirectory, out string? contextName))
            {
                contextName = ContextSourceStep.NamedPrefix + "context:" + contextDirectory;
                contextNames[contextDirectory] = contextName;
                session.Contexts.Add(contextName, contextDirectory);
            }
            ImmutableDictionary<string, NamedContext> named = await NamedContextImporter.ResolveAsync(target.NamedContexts, images, cancellationToken).ConfigureAwait(false);
            foreach ((string name, NamedContext context) in named.Where(n => n.Value.Directory is not null))
            {
                if (namedDirectories.TryGetValue(name, out string? other) && other != context.Directory)
                    throw new NotSupportedException($"not supported yet: the named context '{name}' pointing at two directories ({other}, {context.Directory}) in one build");
                namedDirectories[name] = context.Directory!;
                session.Contexts.Add(ContextSourceStep.NamedPrefix + name, context.Directory!);
            }
            targets.Add(await session.ConvertAsync(target.DockerfileText, target.DockerfilePath, new ConversionOptions
            {
                Target = target.Stage,
                BuildArgs = epoch is { } e && !target.BuildArgs.ContainsKey(SourceDateEpoch.Name)
                    ? target.BuildArgs.SetItem(SourceDateEpoch.Name, e.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
                    : target.BuildArgs,
                TargetPlatform = request.Platform,
                IgnorePatterns = DockerIgnoreFile.Load(target.ContextDirectory, target.DockerfilePath),
                DefaultNetwork = request.Network,
                Labels = target.Labels,
                NamedContexts = named,
                ContextName = contextName,
            }, cancellationToken).ConfigureAwait(false));
            EntitlementCheck.Require(targets[^1], request.Entitlements);
        }

        IReadOnlyList<StepState> states = await session.SolveAsync(targets, request.Jobs ?? int.MaxValue, cancellationToken).ConfigureAwait(false);
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
            Descriptor manifest = await session.AssembleAsync(targets[i], states[i], outputs[i][0].OciMediaTypes, epoch,
                target.CacheExports.Any(c => c.Type == CacheLocationType.Inline), cancellationToken).ConfigureAwait(false);
            await session.ExportAsync(manifest, states[i], outputs[i], target.Names, request.Platform, request.StandardOutput, cancellationToken).ConfigureAwait(false);
            await session.ExportCacheAsync(target.CacheExports, [states[i]], cancellationToken).ConfigureAwait(false);
            Digest config = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(images.Content, manifest.Digest)).Config.Digest;
            results.Add(new TargetResult(target.Name, targets[i].StageName, manifest, config, target.Names));
        }
        await session.FinishAsync(options.StorageCap, cancellationToken).ConfigureAwait(false);
        return new BuildResult(results.MoveToImmutable());
    }

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
