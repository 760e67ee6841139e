using System.Text.Json;
using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// The build flags that change what a build does: --network, --label, --metadata-file, --no-cache-filter, --ssh and
/// --progress=tty, each checked on a real build (runc, a base from a loopback registry).
/// </summary>
public sealed class BuildOptionsTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-options-e2e-").FullName;
    private readonly string _base;

    public BuildOptionsTests()
    {
        _base = _registry.SeedBusybox("library/busybox");
    }

    private (int Status, string Out, string Err) Imgbuild(params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, "store"), .. args]);

    private string Context(string dockerfile) => TestContext.WithDockerfile(_root, dockerfile);

    private string Local(out string directory)
    {
        directory = Path.Combine(_root, "out-" + Guid.NewGuid().ToString("N")[..8]);
        return $"type=local,dest={directory}";
    }

    [Fact]
    public void Network_None_GivesRunStepsOnlyLoopback_UnlessTheRunSaysHost()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_base}\nRUN ls /sys/class/net > /default-net\nRUN --network=host ls /sys/class/net > /host-net\n");

        var build = Imgbuild("--network", "none", "--allow", "network.host", "--output", Local(out string output), context);

        Assert.True(build.Status == 0, build.Err);
        Assert.Equal("lo\n", File.ReadAllText(Path.Combine(output, "default-net")));
        Assert.NotEqual("lo\n", File.ReadAllText(Path.Combine(output, "host-net")));
    }

    [Fact]
    public void LabelAndMetadataFile_LabelInTheConfig_MetadataNamesTheDigests()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_base}\nLABEL from.dockerfile=yes overridden=dockerfile\n");
        string metadata = Path.Combine(_root, "metadata.json"), archive = Path.Combine(_root, "image.oci.tar");

        var build = Imgbuild("-t", "labelled:1", "--label", "org.example.team=builders", "--label", "overridden=cli",
            "--metadata-file", metadata, "--output", $"type=oci,dest={archive},name=labelled:1", context);

        Assert.True(build.Status == 0, build.Err);
        string skopeo = RequiredTool.Find("skopeo", "skopeo");
        using JsonDocument config = JsonDocument.Parse(ProcessRunner.Run(skopeo, ["inspect", "--config", $"oci-archive:{archive}"]));
        JsonElement labels = config.RootElement.GetProperty("config").GetProperty("Labels");
        Assert.Equal("builders", labels.GetProperty("org.example.team").GetString());
        Assert.Equal("yes", labels.GetProperty("from.dockerfile").GetString());
        Assert.Equal("cli", labels.GetProperty("overridden").GetString());

        using JsonDocument written = JsonDocument.Parse(File.ReadAllText(metadata));
        Assert.Equal(build.Out.Trim(), written.RootElement.GetProperty("containerimage.digest").GetString());
        string rawConfig = ProcessRunner.Run(skopeo, ["inspect", "--raw", $"oci-archive:{archive}"]);
        using JsonDocument manifest = JsonDocument.Parse(rawConfig);
        Assert.Equal(manifest.RootElement.GetProperty("config").GetProperty("digest").GetString(),
            written.RootElement.GetProperty("containerimage.config.digest").GetString());
        Assert.EndsWith("labelled:1", written.RootElement.GetProperty("image.name").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void NoCacheFilter_RerunsTheNamedStageOnly()
    {
        RequiredTool.RequireRoot();
        string context = Context($"""
            FROM {_base} AS deps
            RUN echo deps > /deps
            FROM {_base} AS app
            COPY --from=deps /deps /deps
            RUN echo app > /app
            """);
        Assert.Equal(0, Imgbuild("-t", "filtered:1", context).Status);

        var rebuild = Imgbuild("-t", "filtered:1", "--progress", "plain", "--no-cache-filter", "app", context);

        Assert.True(rebuild.Status == 0, rebuild.Err);
        var steps = ProgressSteps.Parse(rebuild.Err).ToDictionary(s => s.Instruction, s => s.Cached);
        Assert.True(steps["RUN echo deps > /deps"], "the deps stage was not filtered and should stay cached");
        Assert.False(steps["RUN echo app > /app"], "the app stage is in --no-cache-filter and should run");
        Assert.False(steps["COPY --from=deps /deps /deps"]);
    }

    [Fact]
    public void Ssh_MountsTheForwardedAgentWithSshAuthSock()
    {
        RequiredTool.RequireRoot();
        string agentProgram = RequiredTool.Find("ssh-agent", "openssh-client");
        string agent = Path.Combine(_root, "agent.sock");
        string started = ProcessRunner.Run(agentProgram, ["-a", agent, "-s"]);
        try
        {
            string context = Context($"""
                FROM {_base}
                RUN --mount=type=ssh stat -c '%F %a %u' "$SSH_AUTH_SOCK" > /default && echo "$SSH_AUTH_SOCK" >> /default
                RUN --mount=type=ssh,id=deploy,target=/run/deploy.sock,mode=0660,uid=1000 stat -c '%F %a %u' /run/deploy.sock > /deploy
                """);

            var build = Imgbuild("--ssh", $"default={agent}", "--ssh", $"deploy={agent}", "--output", Local(out string output), context);

            Assert.True(build.Status == 0, build.Err);
            Assert.Equal("socket 600 0\n/run/buildkit/ssh_agent.0\n", File.ReadAllText(Path.Combine(output, "default")));
            Assert.Equal("socket 660 1000\n", File.ReadAllText(Path.Combine(output, "deploy")));
            Assert.False(Directory.Exists(Path.Combine(output, "run", "buildkit")), "the mount point must not stay in the image");
        }
        finally
        {
            ProcessRunner.Run("kill", [started.Split("SSH_AGENT_PID=")[1].Split(';')[0]]);
        }
    }

    [Fact]
    public void Ssh_RequiredButNotGiven_FailsWithTheFlagToPass()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_base}\nRUN --mount=type=ssh,required=true true\n");

        var build = Imgbuild("--output", Local(out _), context);

        Assert.Equal(1, build.Status);
        Assert.Contains("--ssh default=", build.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void DockerfileFromStandardInput_IsBuilt()
    {
        RequiredTool.RequireRoot();
        string context = Context("FROM scratch\nthis file is not the one built\n");
        TextReader original = Console.In;
        try
        {
            Console.SetIn(new StringReader($"FROM {_base}\nRUN echo from-stdin > /marker\n"));
            var build = Imgbuild("-f", "-", "--output", Local(out string output), context);

            Assert.True(build.Status == 0, build.Err);
            Assert.Equal("from-stdin\n", File.ReadAllText(Path.Combine(output, "marker")));
        }
        finally
        {
            Console.SetIn(original);
        }
    }

    [Fact]
    public void ProgressTty_DrawsTheLiveViewAndEveryStepsTime()
    {
        RequiredTool.RequireRoot();
        string context = Context($"FROM {_base}\nRUN echo visible-output && sleep 1\n");

        var build = Imgbuild("--progress", "tty", "--output", Local(out _), context);

        Assert.True(build.Status == 0, build.Err);
        Assert.Contains("[+] Building", build.Err, StringComparison.Ordinal);
        Assert.Contains("\x1b[", build.Err, StringComparison.Ordinal);
        Assert.Matches(@" => \[2\] RUN echo visible-output && sleep 1 +\d+\.\ds", build.Err);
        Assert.Contains(" => => visible-output", build.Err, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
