using System.Collections.Immutable;
using System.CommandLine;
using Builder.Cache.Content;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Cache.Index;
using Builder.Cache.Layers;
using Builder.Cache.Oci;
using Builder.Cache.Registry;
using Builder.Cli.Building;
using Builder.Cli.Output;
using Builder.Frontend.Context;
using Builder.Frontend.Conversion;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;
using Builder.Solver.Execution;
using Builder.Solver.Graph;
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
        var file = new Option<string?>("--file", "-f") { Description = "The Dockerfile (default: CONTEXT/Dockerfile)" };
        var target = new Option<string?>("--target") { Description = "The stage to build (default: the last)" };
        var buildArgs = new Option<string[]>("--build-arg") { Description = "A build argument, NAME=VALUE" };
        var platform = new Option<string?>("--platform") { Description = "The target platform (only this machine's is built)" };
        var progress = new Option<string>("--progress") { Description = "plain (default; auto is plain for now), rawjson or quiet", DefaultValueFactory = _ => "plain" };
        progress.AcceptOnlyFromAmong("auto", "plain", "rawjson", "quiet");
        var jobs = new Option<int>("--jobs") { Description = "Steps run at once (default: the number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var iidFile = new Option<string?>("--iidfile") { Description = "Write the image digest to this file" };
        var outputs = new Option<string[]>("--output", "-o") { Description = "Where the result goes: type=image|registry|local|tar|oci|oci-layout|docker[,dest=…][,name=…][,push=true][,compression=gzip|zstd|uncompressed][,oci-mediatypes=false]; repeatable" };
        var push = new Option<bool>("--push") { Description = "Push the image to the registry its name points at (--output type=registry)" };
        var noCache = new Option<bool>("--no-cache") { Description = "Run every step, without looking in the build cache" };
        var secrets = new Option<string[]>("--secret") { Description = "A secret for RUN --mount=type=secret: id=ID,src=FILE or id=ID,env=VARIABLE; repeatable" };
        var command = new Command("build", "Build an image from a Dockerfile") { context, tags, file, target, buildArgs, platform, progress, jobs, iidFile, outputs, push, noCache, secrets };
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
            OutputSpec[] exports = [.. (result.GetValue(outputs) ?? []).Select(OutputSpec.Parse)];
            if (exports.Length == 0) exports = [new OutputSpec(OutputType.Image) { Push = result.GetValue(push) }];
            else if (result.GetValue(push)) exports = [.. exports, new OutputSpec(OutputType.Registry) { Push = true }];
            OutputSpec first = exports[0];
            var layerOptions = new LayerWriteOptions
            {
                Compression = first.Compression,
                Flavor = first.OciMediaTypes ? LayerFlavor.Oci : LayerFlavor.Docker,
            };
            string text;
            try
            {
                text = await File.ReadAllTextAsync(dockerfile, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"imgbuild: cannot read Dockerfile '{dockerfile}': {e.Message}");
                return 1;
            }

            string? runc = RuncRuntime.FindRunc();
            if (runc is null)
            {
                stderr.WriteLine("imgbuild: building needs runc: install it with 'apt-get install runc'");
                return 1;
            }
            string root = images.Content.Root;
            string work = Path.Combine(root, "work");
            ISnapshotter snapshotter = OverlaySnapshotter.IsSupported(work) ? new OverlaySnapshotter() : new CopySnapshotter();
            // quiet and rawjson keep stderr free of text lines (rawjson: only JSON objects).
            TextWriter log = result.GetValue(progress) is "quiet" or "rawjson" ? TextWriter.Null : stderr;
            if (snapshotter is CopySnapshotter) log.WriteLine("imgbuild: overlayfs is not available here; using the copying snapshotter (slower)");
            using RegistryClient client = registry.CreateClient(result);
            var bases = new BaseImageProvider(images, client);
            var committer = new SnapshotCommitter(images.Content, work, Path.Combine(root, "layers"));
            var runtime = new RuncRuntime(runc, Path.Combine(root, "runc"));
            // The context files a build reads are copied here and deleted when it ends, whatever the outcome.
            string contexts = Path.Combine(work, "context-" + Guid.NewGuid().ToString("N")[..12]);
            using var downloads = new HttpClient();
            try
            {
                var executor = new BuildStepExecutor(bases, new ExecStepRunner(snapshotter, runtime, committer, work),
                    new FileStepRunner(snapshotter, committer, work), committer, new BuildContextSource(contextDirectory), new HttpDownloader(downloads), contexts,
                    new RunMountOptions(Path.Combine(root, "cache-mounts"), ParseSecrets(result.GetValue(secrets) ?? []), snapshotter, work),
                    new CacheIndex(images), !result.GetValue(noCache), layerOptions,
                    result.GetValue(progress) == "rawjson" ? new RawJsonProgress(stderr) : new PlainProgress(log));

                BuildTarget buildTarget;
                try
                {
                    DockerfileSyntax syntax = DockerfileParser.Parse(text, dockerfile);
                    var options = new ConversionOptions
                    {
                        Target = result.GetValue(target),
                        BuildArgs = GraphCommand.ParseBuildArgs(result.GetValue(buildArgs) ?? []),
                        TargetPlatform = targetPlatform,
                        IgnorePatterns = DockerIgnoreFile.Load(contextDirectory, dockerfile),
                    };
                    BuildGraph graph = await DockerfileConverter.ConvertAsync(syntax, options, new BaseImageConfigResolver(bases), cancellationToken).ConfigureAwait(false);
                    buildTarget = graph.Targets[0];
                }
                catch (DockerfileException e)
                {
                    DiagnosticPrinter.Print(stderr, e.Diagnostic, e.Diagnostic.Span.File == dockerfile ? text : null);
                    return 1;
                }

                StepState state;
                try
                {
                    state = (await new StepScheduler<StepState>(executor, result.GetValue(jobs)).SolveAsync([buildTarget.Step], cancellationToken).ConfigureAwait(false))[0];
                }
                catch (StepFailedException e)
                {
                    stderr.WriteLine($"imgbuild: {e.Message}");
                    return 1;
                }
                Descriptor manifest = await ImageAssembler.AssembleAsync(images.Content, buildTarget.Config, state.Layers, first.OciMediaTypes, cancellationToken).ConfigureAwait(false);
                using Stream standardOutput = Console.OpenStandardOutput();
                var exporter = new ImageExporter(images, client, standardOutput, work);
                foreach (OutputSpec export in exports)
                {
                    await exporter.ExportAsync(export, manifest, [.. names], targetPlatform, cancellationToken).ConfigureAwait(false);
                    log.WriteLine($"exported to {export.Type.ToString().ToLowerInvariant()}{(export.Destination is { } d ? " " + d : "")}{(export.Push ? " (pushed)" : "")}");
                }
                if (result.GetValue(iidFile) is { } iid) await File.WriteAllTextAsync(iid, manifest.Digest.ToString(), cancellationToken).ConfigureAwait(false);
                if (!exports.Any(e => e.Destination == "-")) stdout.WriteLine(manifest.Digest);
                return 0;
            }
            finally
            {
                if (Directory.Exists(contexts)) Directory.Delete(contexts, recursive: true);
            }
        }));
        return command;
    }

    // docker buildx's --secret: id=ID,src=FILE (also source=, file type only) or id=ID,env=VARIABLE; a bare id reads
    // the environment variable of the same name.
    private static ImmutableDictionary<string, byte[]> ParseSecrets(string[] values)
    {
        var secrets = ImmutableDictionary.CreateBuilder<string, byte[]>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            var fields = value.Split(',').Select(f => f.Split('=', 2)).ToDictionary(f => f[0].Trim().ToLowerInvariant(), f => f.Length > 1 ? f[1] : "");
            string id = fields.GetValueOrDefault("id") ?? throw new FormatException($"--secret '{value}' has no id=");
            if (fields.TryGetValue("src", out string? file) || fields.TryGetValue("source", out file))
                secrets[id] = File.ReadAllBytes(file);
            else if (Environment.GetEnvironmentVariable(fields.GetValueOrDefault("env") ?? id) is { } text)
                secrets[id] = System.Text.Encoding.UTF8.GetBytes(text);
            else
                throw new FormatException($"--secret '{value}': give src=FILE or env=VARIABLE (the variable is not set)");
        }
        return secrets.ToImmutable();
    }
}
