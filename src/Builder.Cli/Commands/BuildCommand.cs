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
        var iidFile = new Option<string?>("--iidfile") { Description = "Write the image digest to this file" };
        var push = new Option<bool>("--push") { Description = "Push the image to the registry its name points at (--output type=registry)" };
        var load = new Option<bool>("--load") { Description = "Load the image into the Docker engine ($DOCKER_HOST, else /var/run/docker.sock): --output type=docker" };
        var metadataFile = new Option<string?>("--metadata-file") { Description = "Write the build's result (image digest, config digest, names) to this JSON file" };
        var flags = new BuildFlags();
        var command = new Command("build", "Build an image from a Dockerfile") { context, tags, file, target, iidFile, metadataFile, push, load };
        flags.AddTo(command);
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async _ =>
        {
            string contextDirectory = result.GetValue(context)!;
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
            // The Docker CLI turns TLS on for any non-empty DOCKER_TLS_VERIFY; plain HTTP to such an engine would fail obscurely.
            if (outputs.Any(o => o.Type == OutputType.Docker && o.Destination is null) && environment.Variable("DOCKER_TLS_VERIFY") is { Length: > 0 })
            {
                stderr.WriteLine("imgbuild: not supported yet: loading into a Docker engine over TLS (DOCKER_TLS_VERIFY is set); write an archive with --output type=docker,dest=FILE and docker load it");
                return 1;
            }
            image = image with
            {
                Outputs = outputs.IsEmpty ? [result.GetValue(push) ? registryPush : new OutputSpec(OutputType.Image)]
                    : result.GetValue(push) ? outputs.Add(registryPush) : outputs,
            };

            BuildRequest request = flags.Request(result, environment, [], []) with { Targets = [image] };
            BuildResult? built = await BuildRunner.RunAsync(EngineSetup.Create(store, registry, result, environment), request,
                flags.Renderer(result, stderr), environment, cancellationToken).ConfigureAwait(false);
            if (built is null) return 1;
            TargetResult made = built.Targets[0];
            if (result.GetValue(iidFile) is { } iid) await File.WriteAllTextAsync(iid, made.Manifest.Digest.ToString(), cancellationToken).ConfigureAwait(false);
            if (result.GetValue(metadataFile) is { } metadata)
                await BuildMetadata.WriteAsync(metadata, made.Manifest, made.ConfigDigest, names, cancellationToken).ConfigureAwait(false);
            if (!image.Outputs.Any(e => e.Destination == "-")) stdout.WriteLine(made.Manifest.Digest);
            return 0;
        }));
        return command;
    }
}
