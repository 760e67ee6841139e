using Builder.Cli.Output;
using Builder.Frontend.Checks;
using Builder.Frontend.Context;
using Builder.Frontend.Conversion;
using Builder.Frontend.Syntax;
using Builder.Oci;

namespace Builder.Cli.Tests.Progress;

/// <summary>
/// <c>--check</c>'s report against BuildKit's own text: for each case of testdata/checks without options, the report
/// is "Check complete…" followed by the case's lint.txt, byte for byte (order, excerpts and all).
/// </summary>
public sealed class CheckPrinterTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string directory in Directory.GetDirectories(Folder).Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(directory, "options"))) data.Add(Path.GetFileName(directory));
        }
        return data;
    }

    private static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Builder.sln"))) return Path.Combine(dir.FullName, "testdata", "checks");
            }
            throw new InvalidOperationException("no Builder.sln above the test binaries");
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public async Task PrintReport_GoldenCase_IsBuildKitsText(string caseName)
    {
        string directory = Path.Combine(Folder, caseName);
        string dockerfile = Path.Combine(directory, "Dockerfile");
        string text = File.ReadAllText(dockerfile);
        var amd64 = new Platform("linux", "amd64");
        var options = new ConversionOptions { IgnorePatterns = DockerIgnoreFile.Load(directory, dockerfile), TargetPlatform = amd64, BuildPlatform = amd64 };
        CheckReport report = await DockerfileChecker.CheckAsync(DockerfileParser.Parse(text, dockerfile), options, allStages: true, new BusyboxResolver());
        var output = new StringWriter();

        CheckPrinter.PrintReport(output, report.Warnings, text, "Dockerfile");

        string golden = File.ReadAllText(Path.Combine(directory, "lint.txt"));
        int count = golden.Split('\n').Count(l => l.StartsWith("WARNING: ", StringComparison.Ordinal));
        string header = count == 0 ? "Check complete, no warnings found.\n"
            : count == 1 ? "Check complete, 1 warning has been found!\n" : $"Check complete, {count} warnings have been found!\n";
        Assert.Equal(header + golden, output.ToString());
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
}
