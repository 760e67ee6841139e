using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Oci;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// The NuGet package as a .NET developer uses it: packed into a local folder feed, referenced by a sample project,
/// and run by <c>dotnet publish -p:ImgBuildEnabled=true</c> (a fresh NuGet cache, so the package just packed is used).
/// </summary>
public sealed class MSBuildPublishTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-msbuild-e2e-").FullName;
    private readonly string _project;

    public MSBuildPublishTests()
    {
        _project = Directory.CreateDirectory(Path.Combine(_root, "sample")).FullName;
        PackagedProject.UseFeed(_project);
        File.WriteAllText(Path.Combine(_project, "sample.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImgBuildRoot>{_root}/store</ImgBuildRoot>
                <ContainerImageTag>1.0</ContainerImageTag>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Builder.MSBuild" Version="{PackagedProject.Version}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(_project, "Program.cs"), "System.Console.WriteLine(\"hello from the sample\");\n");
    }

    private (int Status, string Output) Publish(params string[] extra) => PackagedProject.Publish(_project, _root, extra);

    [Fact]
    public async Task Publish_WithDockerfile_BuildsTheImage_AndASecondPublishSkipsIt()
    {
        RequiredTool.RequireRoot();
        File.WriteAllText(Path.Combine(_project, "Dockerfile"),
            $"FROM {_registry.SeedBusybox("library/busybox")}\nCOPY bin/Release/net10.0/publish/ /app/\nRUN ls /app > /app/listing.txt\n");

        var first = Publish();
        var second = Publish();

        Assert.True(first.Status == 0, first.Output);
        Assert.Matches(@"sample -> image sample:1\.0 sha256:[0-9a-f]{64}", first.Output);
        var images = new ImageStore(new ContentStore(Path.Combine(_root, "store")));
        Assert.NotNull(await images.FindAsync(ImageReference.Parse("sample:1.0")));
        Assert.True(second.Status == 0, second.Output);
        Assert.Contains("Skipping target \"_ImgBuildRun\" because all output files are up-to-date", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_DockerfileError_FailsWithTheMSBuildErrorAtItsLine()
    {
        RequiredTool.RequireRoot();
        File.WriteAllText(Path.Combine(_project, "Dockerfile"), $"FROM {_registry.Host}/library/busybox:latest\nCOPY . /app/\nRUN --bad-flag ls\n");

        var publish = Publish();

        Assert.NotEqual(0, publish.Status);
        Assert.True(publish.Output.Contains($"{Path.Combine(_project, "Dockerfile")}(3,5,3,14): error IB1008: unknown flag '--bad-flag' for RUN", StringComparison.Ordinal), publish.Output);
    }

    [Fact]
    public void Publish_FailingRun_IsOneMSBuildErrorAtItsLineWithItsLastOutput()
    {
        RequiredTool.RequireRoot();
        File.WriteAllText(Path.Combine(_project, "Dockerfile"),
            $"FROM {_registry.SeedBusybox("library/busybox")}\nRUN echo first-line && echo second-line && exit 3\n");

        var publish = Publish();

        Assert.NotEqual(0, publish.Status);
        string dockerfile = Path.Combine(_project, "Dockerfile");
        // One MSBuild error (its message spans lines, and the console logger prefixes each line with the position).
        Assert.Matches(@"(?m)^\s*1 Error\(s\)", publish.Output);
        Assert.Contains($"{dockerfile}(2-2): error IB4001: RUN echo first-line && echo second-line && exit 3: ", publish.Output, StringComparison.Ordinal);
        Assert.Contains("exit code: 3", publish.Output, StringComparison.Ordinal);
        Assert.Contains($"{dockerfile}(2-2): error IB4001: second-line", publish.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_WithoutADockerfile_MakesTheImageAsTheSdkDoes()
    {
        RequiredTool.RequireRoot();
        string archive = Path.Combine(_root, "image.oci.tar");
        File.WriteAllText(Path.Combine(_project, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <ContainerBaseImage>{_registry.SeedBusybox("library/busybox")}</ContainerBaseImage>
                <ContainerUser>1654</ContainerUser>
                <ImgBuildOutput>type=oci,dest={archive}</ImgBuildOutput>
              </PropertyGroup>
              <ItemGroup>
                <ContainerPort Include="8080" Type="tcp" />
                <ContainerEnvironmentVariable Include="GREETING" Value="hello there" />
              </ItemGroup>
            </Project>
            """);

        var publish = Publish();

        Assert.True(publish.Status == 0, publish.Output);
        string skopeo = RequiredTool.Find("skopeo", "skopeo");
        using var config = System.Text.Json.JsonDocument.Parse(ProcessRunner.Run(skopeo, ["inspect", "--config", $"oci-archive:{archive}"]));
        System.Text.Json.JsonElement container = config.RootElement.GetProperty("config");
        // The SDK's app command for a framework-dependent app: dotnet and the dll, in /app/.
        Assert.Equal(["dotnet", "/app/sample.dll"], container.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("/app/", container.GetProperty("WorkingDir").GetString());
        Assert.Equal("1654", container.GetProperty("User").GetString());
        Assert.True(container.GetProperty("ExposedPorts").TryGetProperty("8080/tcp", out _));
        Assert.Contains("GREETING=hello there", container.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        string rootfs = Path.Combine(_root, "rootfs");
        string layout = Path.Combine(_root, "layout");
        ProcessRunner.Run(skopeo, ["copy", $"oci-archive:{archive}", $"oci:{layout}:latest"]);
        ProcessRunner.Run(RequiredTool.Find("umoci", "umoci"), ["raw", "unpack", "--image", $"{layout}:latest", rootfs]);
        Assert.True(File.Exists(Path.Combine(rootfs, "app", "sample.dll")));
        Assert.True(File.Exists(Path.Combine(rootfs, "app", "sample")));
    }

    // Issue 16: several runtime identifiers make an image index, one manifest per platform, each platform's image
    // holding its runtime identifier's publish output (its deps.json names that runtime identifier).
    [Fact]
    public void Publish_TwoRuntimeIdentifiers_PushesAnIndexWithTwoManifestsOfTheirPublishOutputs()
    {
        RequiredTool.RequireRoot();
        // The SDK restores a runtime pack for every runtime identifier RuntimeIdentifiers lists.
        PackagedProject.UseFeed(_project, RuntimePacksFeed.Directory);
        File.WriteAllText(Path.Combine(_project, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <ContainerBaseImage>{_registry.SeedMultiPlatform("library/multi")}</ContainerBaseImage>
                <RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers>
                <ContainerRuntimeIdentifiers>linux-x64;linux-arm64</ContainerRuntimeIdentifiers>
                <UseAppHost>false</UseAppHost>
                <ContainerRegistry>{_registry.Host}</ContainerRegistry>
              </PropertyGroup>
            </Project>
            """);

        var publish = Publish();

        Assert.True(publish.Status == 0, publish.Output);
        string skopeo = RequiredTool.Find("skopeo", "skopeo");
        using var index = System.Text.Json.JsonDocument.Parse(ProcessRunner.Run(skopeo, ["inspect", "--raw", "--tls-verify=false", $"docker://{_registry.Host}/sample:1.0"]));
        System.Text.Json.JsonElement[] manifests = [.. index.RootElement.GetProperty("manifests").EnumerateArray()];
        Assert.Equal(["amd64", "arm64"], manifests.Select(m => m.GetProperty("platform").GetProperty("architecture").GetString()));
        foreach ((System.Text.Json.JsonElement manifest, string rid) in manifests.Zip(["linux-x64", "linux-arm64"]))
        {
            string layout = Path.Combine(_root, "layout-" + rid), rootfs = Path.Combine(_root, "rootfs-" + rid);
            ProcessRunner.Run(skopeo, ["copy", "--src-tls-verify=false", $"docker://{_registry.Host}/sample@{manifest.GetProperty("digest").GetString()}", $"oci:{layout}:latest"]);
            ProcessRunner.Run(RequiredTool.Find("umoci", "umoci"), ["raw", "unpack", "--image", $"{layout}:latest", rootfs]);
            Assert.Contains($"\".NETCoreApp,Version=v10.0/{rid}\"", File.ReadAllText(Path.Combine(rootfs, "app", "sample.deps.json")), StringComparison.Ordinal);
        }
    }

    private async Task<string?> StoredDigestAsync(string name)
    {
        var images = new ImageStore(new ContentStore(Path.Combine(_root, "store")));
        return (await images.FindAsync(ImageReference.Parse(name)))?.Target.Digest.ToString();
    }

    private const string Skipped = "Skipping target \"_ImgBuildRun\" because all output files are up-to-date";

    // One project through the changes issue 16 lists (tag, image removed, registry): each builds again, and the
    // publish after each is skipped; the names the log prints are in the store (or the registry) at that digest.
    [Fact]
    public async Task Publish_WithoutADockerfile_RebuildsAfterATagChangeAnRmiAndARegistryChange()
    {
        RequiredTool.RequireRoot();
        File.WriteAllText(Path.Combine(_project, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup><ContainerBaseImage>{_registry.SeedBusybox("library/busybox")}</ContainerBaseImage></PropertyGroup>
            </Project>
            """);
        var images = new ImageStore(new ContentStore(Path.Combine(_root, "store")));

        var first = Publish();
        var same = Publish("--no-restore");
        var tagged = Publish("--no-restore", "-p:ContainerImageTag=2.0");
        await images.RemoveAsync(ImageReference.Parse("sample:2.0"));
        var afterRmi = Publish("--no-restore", "-p:ContainerImageTag=2.0");
        var pushed = Publish("--no-restore", "-p:ContainerImageTag=2.0", $"-p:ContainerRegistry={_registry.Host}");
        var pushedAgain = Publish("--no-restore", "-p:ContainerImageTag=2.0", $"-p:ContainerRegistry={_registry.Host}");

        foreach (var publish in new[] { first, same, tagged, afterRmi, pushed, pushedAgain }) Assert.True(publish.Status == 0, publish.Output);
        Assert.DoesNotContain(Skipped, first.Output, StringComparison.Ordinal);
        Assert.Contains(Skipped, same.Output, StringComparison.Ordinal);
        foreach (var rebuilt in new[] { tagged, afterRmi, pushed }) Assert.DoesNotContain(Skipped, rebuilt.Output, StringComparison.Ordinal);
        Assert.Contains(Skipped, pushedAgain.Output, StringComparison.Ordinal);
        Assert.Contains("imgbuild: sample:2.0 is not in the image store: building the image again", afterRmi.Output, StringComparison.Ordinal);
        string digest = System.Text.RegularExpressions.Regex.Match(afterRmi.Output, @"sample -> image sample:2\.0 (sha256:[0-9a-f]{64})").Groups[1].Value;
        Assert.Equal(digest, await StoredDigestAsync("sample:2.0"));
        string pushedDigest = System.Text.RegularExpressions.Regex.Match(pushed.Output, $@"sample -> image {System.Text.RegularExpressions.Regex.Escape(_registry.Host)}/sample:2\.0 (sha256:[0-9a-f]{{64}})").Groups[1].Value;
        string remote = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", $"docker://{_registry.Host}/sample:2.0"]);
        Assert.Equal(pushedDigest, remote.Trim());
    }

    // ContainerArchiveOutputPath (a directory: REPOSITORY.tar.gz in it) is an archive docker load reads, and values
    // with '$', quotes, backslashes and a line break reach the image as written.
    [Fact]
    public void Publish_ContainerArchiveOutputPath_DockerLoadsItWithTheEnvironmentUnchanged()
    {
        RequiredTool.RequireRoot();
        const string LabelValue = "a ${b} \\ c";
        string archives = Path.Combine(_root, "archives") + "/";
        File.WriteAllText(Path.Combine(_project, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <ContainerBaseImage>{_registry.SeedBusybox("library/busybox")}</ContainerBaseImage>
                <ContainerRepository>imgbuild-msbuild-archive</ContainerRepository>
                <ContainerArchiveOutputPath>{archives}</ContainerArchiveOutputPath>
                <ContainerImageFormat>Docker</ContainerImageFormat>
              </PropertyGroup>
              <ItemGroup>
                <ContainerEnvironmentVariable Include="PRICE" Value="costs $HOME &quot;now&quot; C:\dir\" />
                <ContainerEnvironmentVariable Include="MOTD" Value="line one&#10;line &quot;two&quot;" />
                <ContainerLabel Include="org.example.note" Value="{LabelValue}" />
              </ItemGroup>
            </Project>
            """);

        var publish = Publish();

        Assert.True(publish.Status == 0, publish.Output);
        string archive = Path.Combine(archives, "imgbuild-msbuild-archive.tar.gz");
        Assert.Contains($"sample -> archive {archive}", publish.Output, StringComparison.Ordinal);
        const string Tag = "imgbuild-msbuild-archive:1.0";
        try
        {
            Assert.Contains($"Loaded image: {Tag}", DockerEngine.Run("load", "-i", archive), StringComparison.Ordinal);
            using var config = System.Text.Json.JsonDocument.Parse(DockerEngine.Run("inspect", "--format", "{{json .Config}}", Tag));
            string?[] env = [.. config.RootElement.GetProperty("Env").EnumerateArray().Select(e => e.GetString())];
            Assert.Contains("PRICE=costs $HOME \"now\" C:\\dir\\", env);
            Assert.Contains("MOTD=line one\nline \"two\"", env);
            Assert.Equal(LabelValue, config.RootElement.GetProperty("Labels").GetProperty("org.example.note").GetString());
            Assert.Equal("10.0", config.RootElement.GetProperty("Labels").GetProperty("net.dot.runtime.majorminor").GetString());
        }
        finally
        {
            DockerEngine.Run("rmi", "--force", Tag);
        }
    }

    // A base image built and pushed by imgbuild, for the tests of what the SDK reads from its base.
    private string PushBase(string store, string name, string dockerfileBody, bool dockerMediaTypes)
    {
        string reference = $"{_registry.Host}/{name}";
        string context = TestContext.WithDockerfile(_root, $"FROM {_registry.SeedBusybox("library/busybox")}\n{dockerfileBody}");
        var build = InProcessImgbuild.Run("--root", store, "--progress", "quiet",
            "--output", $"type=image,name={reference},push=true{(dockerMediaTypes ? ",oci-mediatypes=false" : "")}", context);
        Assert.True(build.Status == 0, build.Err);
        return reference;
    }

    private string Skopeo(params string[] arguments) => ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--tls-verify=false", .. arguments]);

    // What the SDK takes from a base with Docker media types and an ENTRYPOINT of its own (pulled, since the project's
    // store lacks it): the image has Docker media types, the base.digest label is the base manifest's digest in its
    // registry, the app command replaces the entrypoint with a warning, APP_UID is the user and the ASP.NET Core port
    // variable is exposed.
    [Fact]
    public void Publish_OnADockerBaseWithItsOwnEntrypoint_FollowsTheBaseAsTheSdkDoes()
    {
        RequiredTool.RequireRoot();
        string baseImage = PushBase(Path.Combine(_root, "base-store"), "library/dockerbase:1",
            "ENV APP_UID=1000 ASPNETCORE_HTTP_PORTS=8080\nENTRYPOINT [\"/bin/sh\", \"-c\"]\nCMD [\"echo base\"]\n", dockerMediaTypes: true);
        string baseDigest = Skopeo("--format", "{{.Digest}}", $"docker://{baseImage}").Trim();
        File.WriteAllText(Path.Combine(_project, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <ContainerBaseImage>{baseImage}</ContainerBaseImage>
                <ContainerRegistry>{_registry.Host}</ContainerRegistry>
              </PropertyGroup>
            </Project>
            """);

        var publish = Publish();

        Assert.True(publish.Status == 0, publish.Output);
        Assert.Contains("warning IB4103: the base image's ENTRYPOINT [\"/bin/sh\", \"-c\"] is replaced by the app command", publish.Output, StringComparison.Ordinal);
        string image = $"docker://{_registry.Host}/sample:1.0";
        using var manifest = System.Text.Json.JsonDocument.Parse(Skopeo("--raw", image));
        Assert.Equal("application/vnd.docker.distribution.manifest.v2+json", manifest.RootElement.GetProperty("mediaType").GetString());
        using var config = System.Text.Json.JsonDocument.Parse(Skopeo("--config", image));
        System.Text.Json.JsonElement container = config.RootElement.GetProperty("config");
        Assert.Equal(baseDigest, container.GetProperty("Labels").GetProperty("org.opencontainers.image.base.digest").GetString());
        Assert.Equal(baseImage, container.GetProperty("Labels").GetProperty("org.opencontainers.image.base.name").GetString());
        Assert.Equal(["dotnet", "/app/sample.dll"], container.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.False(container.TryGetProperty("Cmd", out System.Text.Json.JsonElement cmd) && cmd.ValueKind == System.Text.Json.JsonValueKind.Array && cmd.GetArrayLength() > 0, cmd.ToString());
        Assert.Equal("1000", container.GetProperty("User").GetString());
        Assert.True(container.GetProperty("ExposedPorts").TryGetProperty("8080/tcp", out _));
    }

    // A base (in the project's store already) whose ENTRYPOINT is dotnet and which has a CMD: with
    // ContainerAppCommandInstruction None the SDK drops that entrypoint and keeps no CMD; an OCI base gives an OCI
    // image; ContainerGenerateLabelsImageBaseDigest=false leaves out the digest label.
    [Fact]
    public void Publish_OnABaseWithADotnetEntrypoint_DropsItAndItsCmd()
    {
        RequiredTool.RequireRoot();
        string baseImage = PushBase(Path.Combine(_root, "store"), "library/dotnetbase:1", "ENTRYPOINT [\"dotnet\"]\nCMD [\"--info\"]\n", dockerMediaTypes: false);
        File.WriteAllText(Path.Combine(_project, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <ContainerBaseImage>{baseImage}</ContainerBaseImage>
                <ContainerRegistry>{_registry.Host}</ContainerRegistry>
                <ContainerAppCommandInstruction>None</ContainerAppCommandInstruction>
                <ContainerGenerateLabelsImageBaseDigest>false</ContainerGenerateLabelsImageBaseDigest>
              </PropertyGroup>
            </Project>
            """);

        var publish = Publish();

        Assert.True(publish.Status == 0, publish.Output);
        Assert.DoesNotContain("is not in the image store: pulling it", publish.Output, StringComparison.Ordinal);
        string image = $"docker://{_registry.Host}/sample:1.0";
        using var manifest = System.Text.Json.JsonDocument.Parse(Skopeo("--raw", image));
        Assert.Equal("application/vnd.oci.image.manifest.v1+json", manifest.RootElement.GetProperty("mediaType").GetString());
        using var config = System.Text.Json.JsonDocument.Parse(Skopeo("--config", image));
        System.Text.Json.JsonElement container = config.RootElement.GetProperty("config");
        foreach (string field in new[] { "Entrypoint", "Cmd" })
            Assert.False(container.TryGetProperty(field, out System.Text.Json.JsonElement words) && words.ValueKind == System.Text.Json.JsonValueKind.Array && words.GetArrayLength() > 0,
                $"{field}: {words}");
        Assert.False(container.GetProperty("Labels").TryGetProperty("org.opencontainers.image.base.digest", out _));
        Assert.Equal(baseImage, container.GetProperty("Labels").GetProperty("org.opencontainers.image.base.name").GetString());
    }

    // A base named by digest is pulled by that digest, and the label names it.
    [Fact]
    public void Publish_OnABaseNamedByDigest_LabelsThatDigest()
    {
        RequiredTool.RequireRoot();
        string seeded = _registry.SeedBusybox("library/busybox");
        string digest = Skopeo("--format", "{{.Digest}}", $"docker://{seeded}").Trim();
        string baseImage = $"{_registry.Host}/library/busybox@{digest}";
        File.WriteAllText(Path.Combine(_project, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <ContainerBaseImage>{baseImage}</ContainerBaseImage>
                <ContainerRegistry>{_registry.Host}</ContainerRegistry>
              </PropertyGroup>
            </Project>
            """);

        var publish = Publish();

        Assert.True(publish.Status == 0, publish.Output);
        using var config = System.Text.Json.JsonDocument.Parse(Skopeo("--config", $"docker://{_registry.Host}/sample:1.0"));
        System.Text.Json.JsonElement labels = config.RootElement.GetProperty("config").GetProperty("Labels");
        Assert.Equal(digest, labels.GetProperty("org.opencontainers.image.base.digest").GetString());
        Assert.Equal(baseImage, labels.GetProperty("org.opencontainers.image.base.name").GetString());
    }

    // The SDK adds @(ContainerLabel) only when ContainerGenerateLabels is on (CreateNewImage), so false means no labels.
    [Fact]
    public void Publish_ContainerGenerateLabelsFalse_LeavesOutEveryLabel()
    {
        RequiredTool.RequireRoot();
        File.WriteAllText(Path.Combine(_project, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <ContainerBaseImage>{_registry.SeedBusybox("library/busybox")}</ContainerBaseImage>
                <ContainerRegistry>{_registry.Host}</ContainerRegistry>
                <ContainerGenerateLabels>false</ContainerGenerateLabels>
              </PropertyGroup>
              <ItemGroup><ContainerLabel Include="org.example.team" Value="blue" /></ItemGroup>
            </Project>
            """);

        var publish = Publish();

        Assert.True(publish.Status == 0, publish.Output);
        using var config = System.Text.Json.JsonDocument.Parse(Skopeo("--config", $"docker://{_registry.Host}/sample:1.0"));
        System.Text.Json.JsonElement container = config.RootElement.GetProperty("config");
        Assert.False(container.TryGetProperty("Labels", out System.Text.Json.JsonElement labels) && labels.ValueKind == System.Text.Json.JsonValueKind.Object
            && labels.EnumerateObject().Any(), labels.ToString());
    }

    [Fact]
    public void Publish_BaseImageNotInItsRegistry_FailsWithIB4102NamingIt()
    {
        RequiredTool.RequireRoot();
        string missing = $"{_registry.Host}/library/missing:1";
        File.WriteAllText(Path.Combine(_project, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup><ContainerBaseImage>{missing}</ContainerBaseImage></PropertyGroup>
            </Project>
            """);

        var publish = Publish();

        Assert.NotEqual(0, publish.Status);
        Assert.Contains($"error IB4102: cannot pull the base image {missing} (ContainerBaseImage): ", publish.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_CancelledDuringARun_ImgbuildCleansUp()
    {
        RequiredTool.RequireRoot();
        RequiredTool.RequireInterruptible();
        File.WriteAllText(Path.Combine(_project, "Dockerfile"), $"FROM {_registry.SeedBusybox("library/busybox")}\nRUN echo started && sleep 600\n");
        (System.Diagnostics.Process startedPublish, Task started) = ProcessRunner.StartWatching("dotnet", PackagedProject.PublishArguments(), " started",
            PackagedProject.Environment(_root), _project);
        using System.Diagnostics.Process publish = startedPublish;
        await started.WaitAsync(TimeSpan.FromMinutes(3));

        ProcessRunner.Interrupt(publish.Id);
        // A liveness bound, not a speed check: MSBuild cancels the task, which gives imgbuild SIGINT and 30 s before a
        // kill; in the full suite on 2 cores (beside the install test's NativeAOT publish) 90 s was once not enough.
        await publish.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(240));

        Assert.NotEqual(0, publish.ExitCode);
        string store = Path.Combine(_root, "store");
        string runc = ProcessRunner.Run(RequiredTool.Find("runc", "runc"), ["--root", Path.Combine(store, "runc"), "list", "--quiet"]);
        Assert.Equal("", runc.Trim());
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), line => line.Contains(store, StringComparison.Ordinal));
        string work = Path.Combine(store, "work");
        Assert.Empty(Directory.Exists(work) ? Directory.GetFileSystemEntries(work) : []);
    }


    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
