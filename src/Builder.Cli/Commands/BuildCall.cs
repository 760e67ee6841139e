using Builder.Cli.Options;
using Builder.Cli.Output;
using Builder.Engine;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Subrequests;
using Builder.Frontend.Syntax;
using Builder.Oci;
using Builder.Solver.Progress;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>build --call NAME[,format=json]</c> and <c>--check</c> (= <c>--call check</c>), buildx's subrequests: run the
/// build checks (exit 1 when any fires, as buildx returns the lint result's status), or list the stages.
/// <c>fileName</c> is the Dockerfile as the report names it: the <c>-f</c> value, or <c>Dockerfile</c>, as buildx.
/// </summary>
internal static class BuildCall
{
    public static async Task<int> RunAsync(string spec, BuildEngine engine, Platform platform, TargetRequest target, string fileName, TextWriter stdout, TextWriter stderr,
        CancellationToken cancellationToken)
    {
        string[] parts = spec.Split(',', StringSplitOptions.TrimEntries);
        string name = parts[0], format = "";
        foreach (string option in parts.Skip(1))
        {
            string[] pair = option.Split('=', 2);
            if (pair.Length == 2 && pair[0] == "format" && pair[1] is "json" or "text") format = pair[1];
            else
            {
                stderr.WriteLine($"imgbuild: invalid --call option '{option}': write --call={name}[,format=json|text]");
                return 1;
            }
        }
        try
        {
            switch (name)
            {
                case "check" or "lint":
                    return await CheckAsync(engine, platform, target, fileName, format == "json", stdout, stderr, cancellationToken).ConfigureAwait(false);
                case "targets":
                    var targets = StageTarget.List(DockerfileParser.Parse(target.DockerfileText, target.DockerfilePath));
                    if (format == "json") stdout.WriteLine(System.Text.Json.JsonSerializer.Serialize(targets.Select(t => new { name = t.Name, description = t.Description, @default = t.Default, @base = t.BaseName, platform = t.Platform, line = t.Line })));
                    else TargetsPrinter.Print(stdout, targets);
                    return 0;
                case "outline":
                    BuildOutline outline = BuildOutline.Of(DockerfileParser.Parse(target.DockerfileText, target.DockerfilePath),
                        new Frontend.Conversion.ConversionOptions { Target = target.Stage, BuildArgs = target.BuildArgs, TargetPlatform = platform });
                    if (format == "json") stdout.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                    {
                        name = outline.Name, description = outline.Description,
                        args = outline.Args.Select(a => new { name = a.Name, value = a.Value, description = a.Description }),
                        secrets = outline.Secrets.Select(m => new { name = m.Name, required = m.Required }),
                        ssh = outline.Ssh.Select(m => new { name = m.Name, required = m.Required }),
                    }));
                    else OutlinePrinter.Print(stdout, outline);
                    return 0;
                default:
                    stderr.WriteLine($"imgbuild: unknown --call '{name}': write build, check, targets or outline");
                    return 1;
            }
        }
        catch (DockerfileException e)
        {
            DiagnosticPrinter.Print(stderr, e.Diagnostic, target.DockerfileText);
            return 1;
        }
    }

    private static async Task<int> CheckAsync(BuildEngine engine, Platform platform, TargetRequest target, string fileName, bool json, TextWriter stdout, TextWriter stderr,
        CancellationToken cancellationToken)
    {
        CheckOutcome outcome = await engine.CheckAsync(target, platform, new MessagesOnly(stderr), cancellationToken).ConfigureAwait(false);
        var warnings = outcome.Report.Warnings;
        if (json) CheckPrinter.PrintJson(stdout, warnings, target.DockerfileText, fileName, outcome.BuildError?.Message);
        else if (outcome.BuildError is null || warnings.Length > 0) CheckPrinter.PrintReport(stdout, warnings, target.DockerfileText, fileName);
        if (outcome.BuildError is { } error)
        {
            if (!json && warnings.Length > 0) stdout.WriteLine();
            DiagnosticPrinter.Print(stderr, error, target.DockerfileText);
        }
        // The lint result's status code, which buildx exits with: 1 when anything was found.
        return warnings.Length > 0 || outcome.BuildError is not null ? 1 : 0;
    }

    // A check runs no step: only the registry's "waiting" messages can come, and go to standard error.
    private sealed class MessagesOnly(TextWriter stderr) : IBuildProgress
    {
        public void Started(Builder.Graph.BuildStep step, Builder.Graph.StepKey key) { }
        public void Cached(Builder.Graph.BuildStep step, Builder.Graph.StepKey key) { }
        public void Output(Builder.Graph.BuildStep step, Builder.Graph.StepKey key, ContainerOutputLine line) { }
        public void Finished(Builder.Graph.BuildStep step, Builder.Graph.StepKey key, TimeSpan elapsed) { }
        public void Message(BuildMessage message) => stderr.WriteLine($"imgbuild: {(message.Level == BuildMessageLevel.Warning ? "warning: " : "")}{message.Text}");
    }
}
