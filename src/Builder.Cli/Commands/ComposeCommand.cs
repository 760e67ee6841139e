using System.Collections.Immutable;
using System.CommandLine;
using Builder.Cache.Export;
using Builder.Cache.Index;
using Builder.Oci;
using Builder.Cache.Registry;
using Builder.Cli.Building;
using Builder.Cli.Options;
using Builder.Cli.Compose;
using Builder.Cli.Output;
using Builder.Frontend.Context;
using Builder.Frontend.Conversion;
using Builder.Frontend.Diagnostics;
using Builder.Solver.Execution;
using Builder.Graph;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild compose [-f docker-compose.yml] [SERVICE…]</c>: builds every service with a <c>build:</c> section in one
/// solve, as <c>docker compose build</c> and <c>buildx bake</c> do: services run in parallel, a step several services
/// share (the same base stage of the same context) runs once, and each image is stored under its names (and pushed
/// with <c>--push</c>).
/// </summary>
internal static class ComposeCommand
{
    public static Command Create(StoreRoot store, RegistryAccess registry, TextWriter stdout, TextWriter stderr)
    {
        var file = new Option<string>("--file", "-f") { Description = "The compose file", DefaultValueFactory = _ => "docker-compose.yml" };
        var services = new Argument<string[]>("services") { Description = "The services to build (default: every service with a build: section)", Arity = ArgumentArity.ZeroOrMore };
        var push = new Option<bool>("--push") { Description = "Push each image to the registry its name points at" };
        var noCache = new Option<bool>("--no-cache") { Description = "Run every step, without looking in the build cache" };
        var jobs = new Option<int>("--jobs") { Description = "Steps run at once (default: the number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var progress = new Option<string>("--progress") { Description = "plain (default) or quiet", DefaultValueFactory = _ => "plain" };
        progress.AcceptOnlyFromAmong("plain", "quiet");
        var command = new Command("compose", "Build the services of a compose file in one solve") { file, services, push, noCache, jobs, progress };
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async images =>
        {
            string composeFile = result.GetValue(file)!;
            if (!File.Exists(composeFile) && composeFile == "docker-compose.yml" && File.Exists("compose.yaml")) composeFile = "compose.yaml";
            IReadOnlyList<ComposeService> all = ComposeProject.Load(composeFile, Environment.GetEnvironmentVariable);
            string[] wanted = result.GetValue(services) ?? [];
            foreach (string name in wanted.Where(w => all.All(s => s.Name != w)))
            {
                stderr.WriteLine($"imgbuild: {composeFile} has no service '{name}' with a build: section");
                return 1;
            }
            ComposeService[] chosen = [.. all.Where(s => wanted.Length == 0 || wanted.Contains(s.Name))];
            TextWriter log = result.GetValue(progress) == "quiet" ? TextWriter.Null : stderr;
            var sessionOptions = new BuildSessionOptions
            {
                ContextDirectory = Path.GetDirectoryName(Path.GetFullPath(composeFile))!,
                Secrets = BuildSecrets.Parse(chosen.SelectMany(s => s.Build.Secrets).Distinct()),
                UseCache = result.GetValue(noCache) ? _ => false : _ => true,
                CacheImports = [.. chosen.SelectMany(s => s.Build.CacheFrom).Distinct().Select(c => CacheSpecParser.Parse(c, export: false))],
            };
            using RegistryClient client = registry.CreateClient(result);
            using BuildSession session = await BuildSession.OpenAsync(images, client, sessionOptions, new PlainProgress(log), log, cancellationToken).ConfigureAwait(false);

            var targets = new List<BuildTarget>();
            foreach (ComposeService service in chosen)
            {
                // Each context directory is its own context: services sharing one share its steps.
                string contextName = ContextSourceStep.NamedPrefix + "compose:" + service.Build.Context;
                session.Contexts.Add(contextName, service.Build.Context);
                string text = await File.ReadAllTextAsync(service.Build.Dockerfile, cancellationToken).ConfigureAwait(false);
                try
                {
                    targets.Add(await session.ConvertAsync(text, service.Build.Dockerfile, new ConversionOptions
                    {
                        Target = service.Build.Target,
                        BuildArgs = service.Build.Args,
                        IgnorePatterns = DockerIgnoreFile.Load(service.Build.Context, service.Build.Dockerfile),
                        Labels = service.Build.Labels,
                        ContextName = contextName,
                    }, cancellationToken).ConfigureAwait(false));
                }
                catch (DockerfileException e)
                {
                    DiagnosticPrinter.Print(stderr, e.Diagnostic, e.Diagnostic.Span.File == service.Build.Dockerfile ? text : null);
                    return 1;
                }
            }

            IReadOnlyList<StepState> states;
            try
            {
                states = await session.SolveAsync(targets, result.GetValue(jobs), cancellationToken).ConfigureAwait(false);
            }
            catch (StepFailedException e)
            {
                stderr.WriteLine($"imgbuild: {e.Message}");
                return 1;
            }
            OutputSpec[] outputs = [result.GetValue(push) ? new OutputSpec(OutputType.Image) { Push = true } : new OutputSpec(OutputType.Image)];
            using Stream standardOutput = Console.OpenStandardOutput();
            for (int i = 0; i < chosen.Length; i++)
            {
                ComposeService service = chosen[i];
                CacheSpec[] cacheTo = [.. service.Build.CacheTo.Select(c => CacheSpecParser.Parse(c, export: true))];
                Descriptor manifest = await session.AssembleAsync(targets[i], states[i], ociMediaTypes: true, sourceDateEpoch: null,
                    cacheTo.Any(c => c.Type == CacheLocationType.Inline), cancellationToken).ConfigureAwait(false);
                await session.ExportAsync(manifest, states[i], outputs, [.. service.Names.Select(StoreRoot.ParseReference)], Platform.Current, standardOutput, cancellationToken)
                    .ConfigureAwait(false);
                await session.ExportCacheAsync(cacheTo, [states[i]], cancellationToken).ConfigureAwait(false);
                stdout.WriteLine($"{service.Name} {manifest.Digest} {string.Join(' ', service.Names)}");
            }
            await session.FinishAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
