using System.Collections.Immutable;
using System.CommandLine;
using Builder.Cache.Export;
using Builder.Cli.Compose;
using Builder.Cli.Options;
using Builder.Engine;
using Builder.Oci;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild compose [-f FILE…] [-p NAME] [--profile P…] [--env-file F…] [SERVICE…]</c>: builds the services of a
/// compose project in one solve, as <c>docker compose build</c> and <c>buildx bake</c> do: the project is loaded and
/// every chosen service checked first (<see cref="ComposeProject"/>), then one <see cref="BuildRequest"/> with a target
/// per service runs, so services run in parallel, a step several services share runs once, a <c>service:NAME</c>
/// context is that service's result in the same solve, and each image is stored under its names (and pushed with
/// <c>--push</c>). Every flag <c>build</c> has for the whole build applies here the same way.
/// </summary>
internal static class ComposeCommand
{
    public static Command Create(StoreRoot store, RegistryAccess registry, TextWriter stdout, TextWriter stderr, CliEnvironment environment)
    {
        var files = new Option<string[]>("--file", "-f") { Description = "A compose file; repeat to merge override files in order (default: COMPOSE_FILE, else compose.yaml and compose.override.yaml, or docker-compose.yml)" };
        var projectName = new Option<string?>("--project-name", "-p") { Description = "The project name (default: COMPOSE_PROJECT_NAME, name:, or the project directory's name)" };
        var projectDirectory = new Option<string?>("--project-directory") { Description = "The directory relative paths and .env are read from (default: the first compose file's)" };
        var envFiles = new Option<string[]>("--env-file") { Description = "An environment file for interpolation, instead of the project's .env; repeatable, later files win" };
        var profiles = new Option<string[]>("--profile") { Description = "Enable the services of this profile ('*' for all); repeatable (default: COMPOSE_PROFILES)" };
        var services = new Argument<string[]>("services") { Description = "The services to build, with the services they depend on (default: every service the profiles enable)", Arity = ArgumentArity.ZeroOrMore };
        var push = new Option<bool>("--push") { Description = "Push each image to the registry its name points at (and keep it in the local store)" };
        var flags = new BuildFlags();
        var command = new Command("compose", "Build the services of a compose project in one solve") { files, projectName, projectDirectory, envFiles, profiles, services, push };
        flags.AddTo(command);
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async _ =>
        {
            ComposeProject project = ComposeProject.Load(new ComposeLoadOptions
            {
                Environment = environment.Variable,
                Files = [.. result.GetValue(files) ?? []],
                ProjectName = result.GetValue(projectName),
                ProjectDirectory = result.GetValue(projectDirectory),
                EnvFiles = [.. result.GetValue(envFiles) ?? []],
                Profiles = [.. (result.GetValue(profiles) ?? []).SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
            });
            foreach (string warning in project.Warnings) stderr.WriteLine($"imgbuild: warning: {warning}");
            IReadOnlyList<ComposeService> chosen = project.Select(result.GetValue(services) ?? []);
            if (chosen.Count == 0)
            {
                stderr.WriteLine($"imgbuild: {project.File}: no service to build (none of the chosen services has a build: section)");
                return 1;
            }

            var targets = new List<TargetRequest>();
            foreach (ComposeService service in chosen)
            {
                ComposeBuild build = service.Build!;
                TargetRequest target = flags.Target(result, environment, new TargetRequest
                {
                    Name = service.Name,
                    ContextDirectory = build.Context,
                    DockerfileText = build.DockerfileInline
                        ?? await DockerfileReader.ReadAsync(build.Dockerfile, TextReader.Null, cancellationToken).ConfigureAwait(false),
                    DockerfilePath = build.Dockerfile,
                    Stage = build.Target,
                    BuildArgs = build.Args,
                    Labels = build.Labels,
                    NamedContexts = NamedContexts(build),
                    Names = [.. service.Names.Select(StoreRoot.ParseReference)],
                    Network = build.Network switch { "host" => Graph.NetworkMode.Host, "none" => Graph.NetworkMode.None, "default" => Graph.NetworkMode.Default, _ => null },
                    NoCache = build.NoCache,
                    // As buildx's --network host, network: host grants network.host to that service's build.
                    Entitlements = [.. build.Entitlements.Select(BuildFlags.ParseEntitlement), .. build.Network == "host" ? new[] { Entitlement.NetworkHost } : []],
                    ExtraHosts = build.ExtraHosts,
                    Ulimits = build.Ulimits,
                    ShmSize = build.ShmSize,
                }, build.CacheTo);
                // docker compose build --push pushes each image and keeps it in the local store.
                targets.Add(target with
                {
                    Outputs = target.Outputs.IsEmpty ? [new OutputSpec(OutputType.Image) { Push = result.GetValue(push) }]
                        : result.GetValue(push) ? target.Outputs.Add(new OutputSpec(OutputType.Registry) { Push = true }) : target.Outputs,
                });
            }
            BuildRequest request = flags.Request(result, environment, [], chosen.SelectMany(s => s.Build!.CacheFrom));
            // Secrets and agents the compose file names read the project's variables (the environment, then .env).
            request = request with
            {
                Targets = [.. targets],
                Secrets = request.Secrets.SetItems(BuildSecrets.Parse(chosen.SelectMany(s => s.Build!.Secrets).Distinct(), project.Lookup)),
                SshAgents = request.SshAgents.SetItems(SshAgents.Parse(chosen.SelectMany(s => s.Build!.Ssh).Distinct(), project.Lookup)),
                Platforms = result.GetValue(flags.Platform) is not null ? request.Platforms : PlatformsOf(chosen, project, request.Platforms),
                // The store's base images are shared by the whole solve, so one service's pull: true looks every
                // tagged base image up in its registry (a fresher base, never a different build).
                Pull = request.Pull || chosen.Any(s => s.Build!.Pull),
            };
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

    // additional_contexts: service:NAME is that service's target in this request; the rest read as --build-context.
    private static ImmutableDictionary<string, NamedContextSource> NamedContexts(ComposeBuild build) =>
        BuildContextParser.Parse(build.AdditionalContexts.Where(c => !c.Value.StartsWith("service:", StringComparison.Ordinal)).Select(c => $"{c.Key}={c.Value}"))
            .AddRange(build.AdditionalContexts.Where(c => c.Value.StartsWith("service:", StringComparison.Ordinal))
                .Select(c => KeyValuePair.Create(c.Key, (NamedContextSource)new NamedContextSource.Target(c.Value["service:".Length..]))));

    // build.platforms (or the service's platform:) sets the build's platforms, unless --platform does; one build has
    // one list of platforms, so the services that name platforms must name the same ones (several: an index each).
    private static ImmutableArray<Platform> PlatformsOf(IReadOnlyList<ComposeService> chosen, ComposeProject project, ImmutableArray<Platform> current)
    {
        ImmutableArray<Platform>[] asked = [.. chosen.Where(s => !s.Build!.Platforms.IsEmpty).Select(s => s.Build!.Platforms.Select(p => Platform.TryParse(p, out Platform? platform) ? platform
            : throw new FormatException($"{project.File}: invalid platform '{p}': write os/arch[/variant], for example linux/arm64")).Distinct().ToImmutableArray())];
        if (asked.Length == 0) return current;
        if (asked.Skip(1).Any(a => !a.ToHashSet().SetEquals(asked[0])))
            throw new FormatException($"{project.File}: not supported yet: services built for different platforms ({string.Join("; ", asked.Select(a => string.Join(",", a)).Distinct())}) in one build");
        return asked[0];
    }
}
