using System.Collections.Immutable;
using System.CommandLine;
using Builder.Cache.BuildCache;
using Builder.Cache.Export;
using Builder.Cli.Options;
using Builder.Cli.Output;
using Builder.Engine;
using Builder.Frontend.Diagnostics;
using Builder.Graph;
using Builder.Oci;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild [build] -t NAME [-f FILE] [--build-arg K=V] [--target T] [--platform P] CONTEXT</c>: maps the flags and
/// the environment into a <see cref="BuildRequest"/>, runs it through the <see cref="BuildEngine"/>, and renders its
/// progress and result.
/// </summary>
internal static class BuildCommand
{
    public static Command Create(StoreRoot store, RegistryAccess registry, TextWriter stdout, TextWriter stderr, CliEnvironment environment)
    {
        var context = new Argument<string>("context") { Description = "The build context directory", DefaultValueFactory = _ => "." };
        var tags = new Option<string[]>("--tag", "-t") { Description = "A name for the image, NAME[:TAG]; repeatable" };
        var file = new Option<string?>("--file", "-f") { Description = "The Dockerfile (default: CONTEXT/Dockerfile; - reads standard input)" };
        var target = new Option<string?>("--target") { Description = "The stage to build (default: the last)" };
        var iidFile = new Option<string?>("--iidfile") { Description = "Write the image ID (the config digest, as buildx) to this file" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print only the image ID (the config digest) on success, and no progress" };
        var push = new Option<bool>("--push") { Description = "Push the image to the registry its name points at (--output type=registry)" };
        var load = new Option<bool>("--load") { Description = "Load the image into the Docker engine ($DOCKER_HOST, else /var/run/docker.sock): --output type=docker" };
        var metadataFile = new Option<string?>("--metadata-file") { Description = "Write the build's result (image digest, config digest, names) to this JSON file" };
        var call = new Option<string?>("--call") { Description = "Run a check instead of building: build (default), check, targets, outline (with ,format=json) or explain (= --explain)" };
        var check = new Option<bool>("--check") { Description = "Shorthand for --call=check: run the build checks, print their warnings, exit 1 if any" };
        var explain = new Option<bool>("--explain") { Description = "Build nothing: print, for every RUN/COPY step, whether it is cached and else every difference from its closest cached record" };
        var onError = new Option<string?>(FailedStepShell.OptionName) { Description = "When a RUN fails: error (default), shell (an interactive /bin/sh in the failed step's container, on this terminal) or shell:CMD" };
        var flags = new BuildFlags();
        var command = new Command("build", "Build an image from a Dockerfile") { context, tags, file, target, iidFile, metadataFile, push, load, quiet, call, check, explain, onError };
        flags.AddTo(command);
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async _ =>
        {
            ImmutableArray<string>? shellCommand = FailedStepShell.ParseCommand(result.GetValue(onError));
            if (shellCommand is not null
                && FailedStepShell.Refusal(!Console.IsInputRedirected, ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected, result.GetValue(flags.Progress)!) is { } refusal)
            {
                stderr.WriteLine($"imgbuild: {refusal}");
                return 1;
            }
            string contextDirectory = result.GetValue(context)!;
            // buildx: -q is --progress=quiet plus the image ID on standard output; beside another progress mode it is an error.
            if (result.GetValue(quiet) && result.GetValue(flags.Progress) is not ("auto" or "quiet"))
                throw new FormatException($"--progress={result.GetValue(flags.Progress)} and --quiet cannot be used together");
            // buildx removes a stale image ID file first, so a failed build never leaves the previous build's ID.
            if (result.GetValue(iidFile) is { } staleIid) File.Delete(staleIid);
            string dockerfile = result.GetValue(file) ?? Path.Combine(contextDirectory, "Dockerfile");
            string text;
            try
            {
                // -f - reads the Dockerfile from standard input, as docker build does.
                text = await DockerfileReader.ReadAsync(dockerfile, environment.StandardInput, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                stderr.WriteLine($"imgbuild: {e.Message}");
                return 1;
            }
            ImageReference[] names = [.. (result.GetValue(tags) ?? []).Select(StoreRoot.ParseReference)];
            TargetRequest image = flags.Target(result, environment, new TargetRequest
            {
                ContextDirectory = contextDirectory,
                DockerfileText = text,
                DockerfilePath = dockerfile,
                Stage = result.GetValue(target),
                Names = [.. names],
            }, []);
            // As buildx: no --output means the local image store; --push alone is --output type=registry (pushed, not
            // kept in the local store), and beside other outputs adds a registry push.
            // buildx: "local and tar exporters are incompatible with image ID file" (they make no image).
            if (result.GetValue(iidFile) is not null && image.Outputs.Any(o => o.Type is OutputType.Local or OutputType.Tar))
                throw new FormatException("--iidfile cannot be used with --output type=local or type=tar, which make no image");
            var registryPush = new OutputSpec(OutputType.Registry) { Push = true };
            ImmutableArray<OutputSpec> outputs = image.Outputs;
            if (result.GetValue(load))
            {
                // buildx: --load is --output type=docker (into the engine); beside another type it is an error.
                if (outputs.FirstOrDefault(o => o.Type != OutputType.Docker) is { } other)
                {
                    stderr.WriteLine($"imgbuild: load and \"{OutputSpecParser.TypeName(other.Type)}\" output can't be used together");
                    return 1;
                }
                if (!outputs.Any(o => o.Destination is null)) outputs = outputs.Add(new OutputSpec(OutputType.Docker));
            }
            image = image with
            {
                Outputs = outputs.IsEmpty ? [result.GetValue(push) ? registryPush : new OutputSpec(OutputType.Image)]
                    : result.GetValue(push) ? outputs.Add(registryPush) : outputs,
            };

            string? callSpec = result.GetValue(check) ? "check" : result.GetValue(call);
            bool explaining = result.GetValue(explain) || callSpec == "explain";
            if (callSpec is { } subrequest && subrequest != "explain" && !subrequest.StartsWith("build", StringComparison.Ordinal))
                return await BuildCall.RunAsync(subrequest, EngineSetup.Create(store, registry, result, environment), flags.Request(result, environment, [], []).Platform, image,
                    result.GetValue(file) ?? "Dockerfile", stdout, stderr, cancellationToken).ConfigureAwait(false);
            // --explain's comparison is its result: plain lines on standard output (rawjson stays rawjson).
            IBuildRenderer renderer = explaining && result.GetValue(flags.Progress) != "rawjson" ? new PlainProgress(stdout, stderr)
                : flags.Renderer(result, stderr, environment, result.GetValue(quiet) ? "quiet" : null);
            BuildRequest request = flags.Request(result, environment, [], []) with
            {
                Targets = [image],
                Explain = explaining,
                FailedStepDebugger = shellCommand is { } shell ? new FailedStepShell(renderer, stderr, shell, environment.Variable("TERM"), text) : null,
            };
            BuildResult? built = await BuildRunner.RunAsync(EngineSetup.Create(store, registry, result, environment), request,
                renderer, environment, cancellationToken).ConfigureAwait(false);
            if (built is null) return 1;
            if (request.Explain) return 0;
            // buildx prints the checks that fired after the build, except with --progress=quiet or rawjson.
            if (result.GetValue(flags.Progress) is not ("quiet" or "rawjson"))
                CheckPrinter.PrintSummary(stderr, built.CheckWarnings, f => f == dockerfile ? text : null);
            TargetResult made = built.Targets[0];
            // buildx's getImageID: the image config digest (what `docker images` shows as IMAGE ID), not the manifest's.
            if (result.GetValue(iidFile) is { } iid) await File.WriteAllTextAsync(iid, made.ConfigDigest.ToString(), cancellationToken).ConfigureAwait(false);
            if (result.GetValue(metadataFile) is { } metadata)
                await BuildMetadata.WriteAsync(metadata, made.Manifest, made.ConfigDigest, names, cancellationToken).ConfigureAwait(false);
            if (!image.Outputs.Any(e => e.Destination == "-")) stdout.WriteLine(result.GetValue(quiet) ? made.ConfigDigest : made.Manifest.Digest);
            return 0;
        }));
        return command;
    }
}
