using System.Collections.Immutable;
using Builder.Frontend.Checks;
using Builder.Frontend.Context;
using Builder.Frontend.Conversion;
using Builder.Frontend.Syntax;
using Builder.Oci;
using Xunit;

namespace Builder.Frontend.Tests.Checks;

/// <summary>
/// The build checks against BuildKit v0.24's own results: each case's <c>lint.txt</c> is what the reference
/// BuildKit's lint subrequest printed for its Dockerfile (testdata/checks/README.md says how it was recorded).
/// </summary>
public sealed class CheckGoldenTests
{
    [Theory, ClassData(typeof(CheckGoldenCases))]
    public async Task Check_GoldenCase_SameWarningsAsBuildKit(string caseName)
    {
        string directory = Path.Combine(CheckGoldenCases.Folder, caseName);
        string dockerfilePath = Path.Combine(directory, "Dockerfile");
        // The platform the goldens were recorded on, whatever machine runs the test.
        var amd64 = new Platform("linux", "amd64");
        var options = new ConversionOptions { IgnorePatterns = DockerIgnoreFile.Load(directory, dockerfilePath), TargetPlatform = amd64, BuildPlatform = amd64 };
        string? target = null;
        string optionsFile = Path.Combine(directory, "options");
        if (File.Exists(optionsFile))
        {
            foreach (string line in File.ReadAllLines(optionsFile).Where(l => l.Length > 0))
            {
                if (line.StartsWith("target=", StringComparison.Ordinal)) target = line["target=".Length..];
                else if (line.StartsWith("build-arg:", StringComparison.Ordinal))
                {
                    string[] pair = line["build-arg:".Length..].Split('=', 2);
                    options = options with { BuildArgs = options.BuildArgs.SetItem(pair[0], pair[1]) };
                }
                else throw new InvalidDataException($"{optionsFile}: unknown option '{line}'");
            }
        }
        options = options with { Target = target };
        DockerfileSyntax syntax = DockerfileParser.Parse(File.ReadAllText(dockerfilePath), "Dockerfile");

        // As BuildKit's lint: no target means every stage.
        CheckReport report = await DockerfileChecker.CheckAsync(syntax, options, allStages: target is null, new BusyboxResolver());

        string[] expected = Golden(File.ReadAllText(Path.Combine(directory, "lint.txt")));
        string[] actual = [.. report.Warnings.Select(w => $"{w.Location.StartLine} {w.Rule.Name} - {w.Rule.Url}: {w.Detail}").Order(StringComparer.Ordinal)];
        Assert.Equal(expected, actual);
    }

    // The reference registry's busybox: one linux/amd64 image whatever platform is asked for.
    private sealed class BusyboxResolver : IImageConfigResolver
    {
        public Task<(ImageConfig Config, Digest? ManifestDigest)> ResolveAsync(ImageReference image, Platform platform, CancellationToken cancellationToken) =>
            Task.FromResult<(ImageConfig, Digest?)>((ImageConfig.Empty(new Platform("linux", "amd64")) with
            {
                Config = new ContainerConfig { Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] },
            }, null));
    }

    // lint.PrintLintViolations' text: "WARNING: Rule - URL", the detail, then "Dockerfile:LINE" and the excerpt.
    private static string[] Golden(string text)
    {
        var warnings = new List<string>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("WARNING: ", StringComparison.Ordinal)) continue;
            string[] head = lines[i]["WARNING: ".Length..].Split(" - ", 2);
            string detail = lines[i + 1];
            string line = lines[i + 2].StartsWith("Dockerfile:", StringComparison.Ordinal) ? lines[i + 2]["Dockerfile:".Length..] : "0";
            warnings.Add($"{line} {head[0]} - {(head.Length > 1 ? head[1] : "")}: {detail}");
        }
        return [.. warnings.Order(StringComparer.Ordinal)];
    }
}
