using System.CommandLine;
using Builder.Cache.Export;
using Builder.Cli.Compose;
using Builder.Engine;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild compose [-f docker-compose.yml] [SERVICE…]</c>: builds every service with a <c>build:</c> section in one
/// solve, as <c>docker compose build</c> and <c>buildx bake</c> do: one <see cref="BuildRequest"/> with a target per
/// service, so services run in parallel, a step several services share runs once, and each image is stored under its
/// names (and pushed with <c>--push</c>). Every flag <c>build</c> has for the whole build applies here the same way.
/// </summary>
internal static class ComposeCommand
{
    public static Command Create(StoreRoot store, RegistryAccess registry, TextWriter stdout, TextWriter stderr, CliEnvironment environment)
    {
        var file = new Option<string>("--file", "-f") { Description = "The compose file", DefaultValueFactory = _ => "docker-compose.yml" };
        var services = new Argument<string[]>("services") { Description = "The services to build (default: every service with a build: section)", Arity = ArgumentArity.ZeroOrMore };
        var push = new Option<bool>("--push") { Description = "Push each image to the registry its name points at (and keep it in the local store)" };
        var flags = new BuildFlags();
        var command = new Command("compose", "Build the services of a compose file in one solve") { file, services, push };
        flags.AddTo(command);
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async _ =>
        {
            string composeFile = result.GetValue(file)!;
            if (!File.Exists(composeFile) && composeFile == "docker-compose.yml" && File.Exists("compose.yaml")) composeFile = "compose.yaml";
            IReadOnlyList<ComposeService> all = ComposeProject.Load(composeFile, environment.Variable);
            string[] wanted = result.GetValue(services) ?? [];
            foreach (string name in wanted.Where(w => all.All(s => s.Name != w)))
            {
                stderr.WriteLine($"imgbuild: {composeFile} has no service '{name}' with a build: section");
                return 1;
            }
            ComposeService[] chosen = [.. all.Where(s => wanted.Length == 0 || wanted.Contains(s.Name))];
            var targets = new List<TargetRequest>();
            foreach (ComposeService service in chosen)
            {
                TargetRequest target = flags.Target(result, environment, new TargetRequest
                {
                    Name = service.Name,
                    ContextDirectory = service.Build.Context,
                    DockerfileText = await DockerfileReader.ReadAsync(service.Build.Dockerfile, TextReader.Null, cancellationToken).ConfigureAwait(false),
                    DockerfilePath = service.Build.Dockerfile,
                    Stage = service.Build.Target,
                    BuildArgs = service.Build.Args,
                    Labels = service.Build.Labels,
                    Names = [.. service.Names.Select(StoreRoot.ParseReference)],
                }, service.Build.CacheTo);
                // docker compose build --push pushes each image and keeps it in the local store.
                targets.Add(target with
                {
                    Outputs = target.Outputs.IsEmpty ? [new OutputSpec(OutputType.Image) { Push = result.GetValue(push) }]
                        : result.GetValue(push) ? target.Outputs.Add(new OutputSpec(OutputType.Registry) { Push = true }) : target.Outputs,
                });
            }
            BuildRequest request = flags.Request(result, environment, chosen.SelectMany(s => s.Build.Secrets), chosen.SelectMany(s => s.Build.CacheFrom))
                with { Targets = [.. targets] };
            BuildResult? built = await BuildRunner.RunAsync(EngineSetup.Create(store, registry, result, environment), request,
                flags.Renderer(result, stderr, environment), environment, cancellationToken).ConfigureAwait(false);
            if (built is null) return 1;
            // The names as the compose file writes them (shop/web:1, not docker.io/shop/web:1).
            foreach ((ComposeService service, TargetResult made) in chosen.Zip(built.Targets))
                stdout.WriteLine($"{service.Name} {made.Manifest.Digest} {string.Join(' ', service.Names)}");
            return 0;
        }));
        return command;
    }
}
