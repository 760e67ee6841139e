using System.Collections.Immutable;
using System.CommandLine;
using Builder.Cache.Content;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Cache.Index;
using Builder.Cache.Layers;
using Builder.Oci;
using Builder.Cache.Registry;
using Builder.Cli.Building;
using Builder.Cli.Options;
using Builder.Cli.Output;
using Builder.Frontend.Context;
using Builder.Frontend.Conversion;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;
using Builder.Solver.Execution;
using Builder.Graph;
using Builder.Solver.Scheduling;
using Builder.Solver.Snapshots;
using Builder.Solver.Sources;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild [build] -t NAME [-f FILE] [--build-arg K=V] [--target T] [--platform P] CONTEXT</c>: builds the
/// Dockerfile into the local image store under its names (or where <c>--output</c> says). Base images, RUN, COPY and
/// ADD of local files, WORKDIR and the image config are built; what is not yet says "not supported yet".
/// </summary>
internal static class BuildCommand
{
    public static Command Create(StoreRoot store, RegistryAccess registry, TextWriter stdout, TextWriter stderr)
    {
        var context = new Argument<string>("context") { Description = "The build context directory", DefaultValueFactory = _ => "." };
        var tags = new Option<string[]>("--tag", "-t") { Description = "A name for the image, NAME[:TAG]; repeatable" };
        var file = new Option<string?>("--file", "-f") { Description = "The Dockerfile (default: CONTEXT/Dockerfile; - reads standard input)" };
        var target = new Option<string?>("--target") { Description = "The stage to build (default: the last)" };
        var buildArgs = new Option<string[]>("--build-arg") { Description = "A build argument, NAME=VALUE" };
        var platform = new Option<string?>("--platform") { Description = "The target platform (only this machine's is built)" };
        var progress = new Option<string>("--progress") { Description = "auto (default: tty on a terminal, else plain), tty, plain, rawjson or quiet", DefaultValueFactory = _ => "auto" };
        progress.AcceptOnlyFromAmong("auto", "tty", "plain", "rawjson", "quiet");
        var jobs = new Option<int>("--jobs") { Description = "Steps run at once (default: the number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var iidFile = new Option<string?>("--iidfile") { Description = "Write the image digest to this file" };
        var outputs = new Option<string[]>("--output", "-o") { Description = "Where the result goes: type=image|registry|local|tar|oci|oci-layout|docker[,dest=…][,name=…][,push=true][,compression=gzip|zstd|uncompressed][,oci-mediatypes=false]; repeatable" };
        var push = new Option<bool>("--push") { Description = "Push the image to the registry its name points at (--output type=registry)" };
        var noCache = new Option<bool>("--no-cache") { Description = "Run every step, without looking in the build cache" };
        var noCacheFilter = new Option<string[]>("--no-cache-filter") { Description = "Run the steps of these stages (names or indexes) without the build cache; repeatable, or comma-separated" };
        var ssh = new Option<string[]>("--ssh") { Description = "An SSH agent for RUN --mount=type=ssh: default (the agent at $SSH_AUTH_SOCK) or ID=SOCKET; repeatable" };
        var network = new Option<string>("--network") { Description = "The network of RUN steps without --network: default (the host's), host or none", DefaultValueFactory = _ => "default" };
        network.AcceptOnlyFromAmong("default", "host", "none");
        var labels = new Option<string[]>("--label") { Description = "A label for the image, KEY=VALUE; repeatable" };
        var cacheFrom = new Option<string[]>("--cache-from") { Description = "Import a build cache: type=registry,ref=REG/REPO:TAG or type=local,src=DIR; repeatable" };
        var cacheTo = new Option<string[]>("--cache-to") { Description = "Export the build cache: type=registry,ref=REG/REPO:TAG or type=local,dest=DIR, with mode=min (the final image's layers, default) or mode=max (every step); repeatable" };
        var buildContexts = new Option<string[]>("--build-context") { Description = "A named context for FROM NAME and COPY --from=NAME: NAME=DIR, NAME=docker-image://REF or NAME=oci-layout://DIR[@sha256:…]; repeatable" };
        var metadataFile = new Option<string?>("--metadata-file") { Description = "Write the build's result (image digest, config digest, names) to this JSON file" };
        var secrets = new Option<string[]>("--secret") { Description = "A secret for RUN --mount=type=secret: id=ID,src=FILE or id=ID,env=VARIABLE; repeatable" };
        var command = new Command("build", "Build an image from a Dockerfile") 
        {
            context, tags, file, target, buildArgs, platform, progress, jobs, iidFile, metadataFile, outputs, push, noCache, noCacheFilter, secrets, ssh,
            network, labels, cacheFrom, cacheTo, buildContexts,
        };
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async images =>
        {
            string contextDirectory = result.GetValue(context)!;
            string dockerfile = result.GetValue(file) ?? Path.Combine(contextDirectory, "Dockerfile");
            Platform targetPlatform = Platform.Current;
            if (result.GetValue(platform) is string p && (!Platform.TryParse(p, out targetPlatform!) || targetPlatform != Platform.Current))
            {
                stderr.WriteLine($"imgbuild: --platform '{p}': only {Platform.Current} (this machine's platform) can be built");
                return 1;
            }
            ImageReference[] names = [.. (result.GetValue(tags) ?? []).Select(StoreRoot.ParseReference)];
            // As buildx: no --output means the local image store; --push adds a registry push to it.
            OutputSpec[] exports = [.. (result.GetValue(outputs) ?? []).Select(OutputSpecParser.Parse)];
            // As buildx: --push alone is --output type=registry (pushed, not kept in the local store).
            if (exports.Length == 0) exports = [result.GetValue(push) ? new OutputSpec(OutputType.Registry) { Push = true } : new OutputSpec(OutputType.Image)];
            else if (result.GetValue(push)) exports = [.. exports, new OutputSpec(OutputType.Registry) { Push = true }];
            OutputSpec first = exports[0];
            ImmutableDictionary<string, string> givenArgs = GraphCommand.ParseBuildArgs(result.GetValue(buildArgs) ?? []);
            DateTimeOffset? epoch;
            try
            {
                epoch = SourceDateEpoch.From(givenArgs, Environment.GetEnvironmentVariable(SourceDateEpoch.Name));
            }
            catch (FormatException e)
            {
                stderr.WriteLine($"imgbuild: {e.Message}");
                return 1;
            }
            var layerOptions = new LayerWriteOptions
            {
                Compression = first.Compression,
                Flavor = first.OciMediaTypes ? LayerFlavor.Oci : LayerFlavor.Docker,
                SourceDateEpoch = epoch,
            };
            string text;
            try
            {
                // -f - reads the Dockerfile from standard input, as docker build does.
                text = dockerfile == "-"
                    ? await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false)
                    : await File.ReadAllTextAsync(dockerfile, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"imgbuild: cannot read Dockerfile '{dockerfile}': {e.Message}");
                return 1;
            }

            string progressMode = result.GetValue(progress) is "auto" ? (IsTerminal(stderr) ? "tty" : "plain") : result.GetValue(progress)!;
            // quiet and rawjson keep stderr free of text lines (rawjson: only JSON objects).
            TextWriter log = progressMode is "quiet" or "rawjson" ? TextWriter.Null : stderr;
            HashSet<string> uncachedStages = [.. (result.GetValue(noCacheFilter) ?? []).SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
            CacheSpec[] cacheExports = [.. (result.GetValue(cacheTo) ?? []).Select(c => CacheSpecParser.Parse(c, export: true))];
            ImmutableDictionary<string, NamedContext> namedContexts = await BuildContexts.ParseAsync(result.GetValue(buildContexts) ?? [], images, cancellationToken).ConfigureAwait(false);
            var sessionOptions = new BuildSessionOptions
            {
                ContextDirectory = contextDirectory,
                NamedDirectories = namedContexts.Where(c => c.Value.Directory is not null).ToDictionary(c => c.Key, c => c.Value.Directory!),
                Secrets = BuildSecrets.Parse(result.GetValue(secrets) ?? []),
                SshAgents = SshAgents.Parse(result.GetValue(ssh) ?? []),
                Layers = layerOptions,
                UseCache = result.GetValue(noCache) ? _ => false
                    : step => step.Origin?.Stage is not { } stage || !uncachedStages.Contains(stage, StringComparer.OrdinalIgnoreCase),
                CacheImports = [.. (result.GetValue(cacheFrom) ?? []).Select(c => CacheSpecParser.Parse(c, export: false))],
            };
            IBuildProgress reporter = progressMode switch
            {
                "rawjson" => new RawJsonProgress(stderr),
                "tty" => new TtyProgress(stderr, Console.IsErrorRedirected ? 120 : Console.WindowWidth),
                _ => new PlainProgress(log),
            };
            using RegistryClient client = registry.CreateClient(result);
            using BuildSession session = await BuildSession.OpenAsync(images, client, sessionOptions, reporter, log, cancellationToken).ConfigureAwait(false);

            BuildTarget buildTarget;
            try
            {
                buildTarget = await session.ConvertAsync(text, dockerfile, new ConversionOptions
                {
                    Target = result.GetValue(target),
                    BuildArgs = epoch is { } e && !givenArgs.ContainsKey(SourceDateEpoch.Name)
                        ? givenArgs.SetItem(SourceDateEpoch.Name, e.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))
                        : givenArgs,
                    TargetPlatform = targetPlatform,
                    IgnorePatterns = DockerIgnoreFile.Load(contextDirectory, dockerfile),
                    DefaultNetwork = result.GetValue(network) switch { "none" => NetworkMode.None, "host" => NetworkMode.Host, _ => NetworkMode.Default },
                    Labels = ParseLabels(result.GetValue(labels) ?? []),
                    NamedContexts = namedContexts,
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerfileException e)
            {
                DiagnosticPrinter.Print(stderr, e.Diagnostic, e.Diagnostic.Span.File == dockerfile ? text : null);
                return 1;
            }

            StepState state;
            try
            {
                state = (await session.SolveAsync([buildTarget], result.GetValue(jobs), cancellationToken).ConfigureAwait(false))[0];
            }
            catch (StepFailedException e)
            {
                (reporter as TtyProgress)?.PrintUnfinished();
                stderr.WriteLine($"imgbuild: {e.Message}");
                return 1;
            }
            finally
            {
                (reporter as IDisposable)?.Dispose();
            }
            Descriptor manifest = await session.AssembleAsync(buildTarget, state, first.OciMediaTypes, epoch,
                cacheExports.Any(c => c.Type == CacheLocationType.Inline), cancellationToken).ConfigureAwait(false);
            using (Stream standardOutput = Console.OpenStandardOutput())
                await session.ExportAsync(manifest, state, exports, [.. names], targetPlatform, standardOutput, cancellationToken).ConfigureAwait(false);
            await session.ExportCacheAsync(cacheExports, [state], cancellationToken).ConfigureAwait(false);
            if (result.GetValue(iidFile) is { } iid) await File.WriteAllTextAsync(iid, manifest.Digest.ToString(), cancellationToken).ConfigureAwait(false);
            if (result.GetValue(metadataFile) is { } metadata)
            {
                Digest config = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(images.Content, manifest.Digest)).Config.Digest;
                await BuildMetadata.WriteAsync(metadata, manifest, config, names, cancellationToken).ConfigureAwait(false);
            }
            if (!exports.Any(e => e.Destination == "-")) stdout.WriteLine(manifest.Digest);
            await session.FinishAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    // --label KEY=VALUE; a label without '=' has an empty value, as docker build gives it.
    private static System.Collections.Immutable.ImmutableDictionary<string, string> ParseLabels(IEnumerable<string> values) =>
        values.Select(v => v.Split('=', 2)).ToImmutableDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    private static bool IsTerminal(TextWriter writer) => ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
}
