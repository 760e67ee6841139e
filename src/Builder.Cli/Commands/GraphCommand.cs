using System.CommandLine;
using Builder.Oci;
using Builder.Frontend.Context;
using Builder.Frontend.Conversion;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;
using Builder.Graph;

using Builder.Cli.Options;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild graph [-f Dockerfile] [--target T] [--build-arg K=V]… [--format dot|json] CONTEXT</c>: prints the
/// build graph of the target stage. Base images get an empty config: no registry is asked.
/// </summary>
internal static class GraphCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, CliEnvironment environment)
    {
        var context = new Argument<string>("context") { Description = "The build context directory", DefaultValueFactory = _ => "." };
        var file = new Option<string?>("--file", "-f") { Description = "The Dockerfile (default: CONTEXT/Dockerfile)" };
        var target = new Option<string?>("--target") { Description = "The stage to build (default: the last)" };
        var buildArgs = new Option<string[]>("--build-arg") { Description = "A build argument, NAME=VALUE (or NAME to take it from the environment)" };
        var format = new Option<string>("--format") { Description = "dot or json", DefaultValueFactory = _ => "dot" };
        format.AcceptOnlyFromAmong("dot", "json");
        var platform = new Option<string?>("--platform") { Description = "The target platform, os/arch[/variant]" };
        var command = new Command("graph", "Print the build graph of a Dockerfile") { context, file, target, buildArgs, format, platform };
        command.SetAction((result, cancellationToken) =>
        {
            string contextDirectory = result.GetValue(context)!;
            string dockerfile = result.GetValue(file) ?? Path.Combine(contextDirectory, "Dockerfile");
            var input = new DockerfileInput(dockerfile, stdout, stderr);
            return input.RunAsync(async (text, cancellationToken) =>
            {
                DockerfileSyntax syntax = DockerfileParser.Parse(text, input.DisplayName);
                Platform targetPlatform = Platform.Current;
                if (result.GetValue(platform) is string p && !Platform.TryParse(p, out targetPlatform!))
                {
                    stderr.WriteLine($"imgbuild: invalid --platform '{p}': write os/arch[/variant], for example linux/arm64");
                    return 2;
                }
                var options = new ConversionOptions
                {
                    Target = result.GetValue(target),
                    BuildArgs = BuildArgParser.Parse(result.GetValue(buildArgs) ?? [], environment.Variable),
                    TargetPlatform = targetPlatform,
                    IgnorePatterns = DockerIgnoreFile.Load(contextDirectory, dockerfile),
                };
                BuildGraph graph = await DockerfileConverter.ConvertAsync(syntax, options, new EmptyImageConfigResolver(), cancellationToken).ConfigureAwait(false);
                if (result.GetValue(format) == "json") stdout.WriteLine(GraphJsonWriter.Write(graph));
                else GraphDotWriter.Write(graph, stdout);
                return 0;
            }, cancellationToken);
        });
        return command;
    }
}
