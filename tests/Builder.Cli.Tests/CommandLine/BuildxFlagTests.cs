using Builder.Cli.Options;
using Builder.Graph;
using Builder.Oci;

namespace Builder.Cli.Tests.CommandLine;

/// <summary>
/// How the buildx flags of issue 15 are read (as buildx and docker read them), and the ones imgbuild cannot honour yet
/// saying so in one line before anything is built.
/// </summary>
public sealed class BuildxFlagTests : IDisposable
{
    private readonly string _temporary = Directory.CreateTempSubdirectory("imgbuild-buildx-flags-").FullName;

    public void Dispose() => Directory.Delete(_temporary, recursive: true);

    private (int Status, string Out, string Err) Build(params string[] flags)
    {
        string context = Directory.CreateDirectory(Path.Combine(_temporary, "context")).FullName;
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM scratch\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int status = ImgbuildCommand.Run(["--root", Path.Combine(_temporary, "store"), "build", .. flags, context], stdout, stderr);
        return (status, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [InlineData(new[] { "--platform", "linux/amd64,linux/arm64", "--annotation", "a=b" }, "not supported yet: --annotation with several platforms (linux/amd64,linux/arm64)")]
    [InlineData(new[] { "--sbom", "true" }, "not supported yet: --sbom true")]
    [InlineData(new[] { "--provenance", "mode=max" }, "not supported yet: --provenance mode=max")]
    [InlineData(new[] { "--attest", "type=sbom" }, "not supported yet: --attest type=sbom")]
    [InlineData(new[] { "--add-host", "db:host-gateway" }, "not supported yet: --add-host db:host-gateway")]
    [InlineData(new[] { "--annotation", "manifest-descriptor:a=b" }, "not supported yet: --annotation manifest-descriptor:a")]
    [InlineData(new[] { "-q", "--progress", "plain" }, "--progress=plain and --quiet cannot be used together")]
    public void Flag_NotHonouredYet_SaysSoInOneLine(string[] flags, string message)
    {
        var (status, _, error) = Build(flags);
        Assert.Equal(1, status);
        Assert.StartsWith("imgbuild: " + message, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Help_ListsBuildxFlagNames()
    {
        var stdout = new StringWriter();
        ImgbuildCommand.Run(["build", "--help"], stdout, new StringWriter());
        foreach (string flag in new[] { "--pull", "-q, --quiet", "--add-host", "--ulimit", "--shm-size", "--annotation", "--allow", "--iidfile", "--sbom", "--provenance", "--attest" })
            Assert.Contains(flag, stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddHost_ReadsColonOrEqualsAndBracketedIpv6_LowerCasesTheName()
    {
        Assert.Equal([new ExtraHost("db", "10.0.0.5"), new ExtraHost("cache", "fd00::1"), new ExtraHost("v6", "::1"), new ExtraHost("two", "10.0.0.1"), new ExtraHost("two", "10.0.0.2")],
            ExtraHostParser.Parse(["db:10.0.0.5", "Cache=[fd00::1]", "v6:::1", "two=10.0.0.1,10.0.0.2"]).ToArray());
    }

    [Theory]
    [InlineData("db")]
    [InlineData("db:not-an-ip")]
    [InlineData(":10.0.0.1")]
    public void AddHost_Malformed_IsAnError(string value)
    {
        FormatException e = Assert.Throws<FormatException>(() => ExtraHostParser.Parse([value]));
        Assert.StartsWith($"invalid --add-host '{value}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ulimit_ReadsSoftAndHard_HardDefaultsToSoft_LaterNameWins()
    {
        Assert.Equal([new Ulimit("nofile", 1024, 2048), new Ulimit("nproc", 64, 64), new Ulimit("core", -1, -1)],
            UlimitParser.Parse(["nofile=1:1", "nproc=64", "core=-1", "nofile=1024:2048"]).OrderBy(u => u.Name == "core").ThenBy(u => u.Name == "nproc"));
    }

    [Theory]
    [InlineData("nofiles=10", "(did you mean nofile?)")]
    [InlineData("nofile=20:10", "the soft limit 20 is above the hard limit 10")]
    [InlineData("nofile", "write NAME=SOFT[:HARD]")]
    [InlineData("nofile=x", "whole numbers")]
    public void Ulimit_Malformed_IsAnError(string value, string message)
    {
        FormatException e = Assert.Throws<FormatException>(() => UlimitParser.Parse([value]));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("64m", 64L << 20)]
    [InlineData("1g", 1L << 30)]
    [InlineData("512k", 512L << 10)]
    [InlineData("128MiB", 128L << 20)]
    [InlineData("1048576", 1L << 20)]
    public void ShmSize_ReadsSizesAsDockerDoes_Binary(string text, long bytes) => Assert.Equal(bytes, MemoryBytes.Parse("--shm-size", text));

    [Fact]
    public void ShmSize_Malformed_IsAnError() =>
        Assert.Throws<FormatException>(() => MemoryBytes.Parse("--shm-size", "lots"));

    [Fact]
    public void Annotation_PlainAndManifestKeys_AreManifestAnnotations_OtherPlatformIsRefused()
    {
        var annotations = AnnotationParser.Parse(["a=1", "manifest:b=2", $"manifest[{Platform.Current}]:c=3"], Platform.Current);
        Assert.Equal(["a=1", "b=2", "c=3"], annotations.OrderBy(a => a.Key).Select(a => $"{a.Key}={a.Value}"));
        Assert.Throws<FormatException>(() => AnnotationParser.Parse(["manifest[linux/s390x]:c=3"], Platform.Parse("linux/amd64")));
        Assert.Throws<FormatException>(() => AnnotationParser.Parse(["bogus:c=3"], Platform.Current));
        Assert.Throws<FormatException>(() => AnnotationParser.Parse(["novalue"], Platform.Current));
    }
}
