using System.Text.Json;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// Issue 13's BuildKit v0.24 rules, built for real (runc, the registry's busybox): ARG scoping after ENV and across
/// stages, RUN's supplementary groups, heredoc escapes and ONBUILD heredocs. The expected text is what BuildKit
/// v0.24 wrote for the same Dockerfiles (parity cases arg-scope-*, run-user-groups, heredoc-escaped-dollar,
/// onbuild-heredoc).
/// </summary>
public sealed class BuildKitRulesBuildTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-rules-e2e-").FullName;

    private (string Files, JsonElement Config) Build(string dockerfile, params string[] options)
    {
        RequiredTool.RequireRoot();
        string context = TestContext.WithDockerfile(_root, $"FROM {_registry.SeedBusybox("library/busybox")} AS base\n" + dockerfile);
        string files = Path.Combine(_root, "files"), layout = Path.Combine(_root, "layout");
        var (status, _, error) = InProcessImgbuild.Run(["--root", Path.Combine(_root, "store"), .. options,
            "--output", $"type=local,dest={files}", "--output", $"type=oci-layout,dest={layout},name=rules:1", context]);
        Assert.True(status == 0, error);
        string config = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--config", $"oci:{layout}:1"]);
        return (files, JsonDocument.Parse(config).RootElement.GetProperty("config").Clone());
    }

    private static string[] Env(JsonElement config) => [.. config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()!)];

    [Fact]
    public void Build_ArgAfterEnv_RunSeesBuildArgAndImageKeepsEnv()
    {
        var (files, config) = Build("""
            ENV X=env-x A=env-a
            ARG X
            ARG A
            RUN echo "X=$X A=$A" > /run.txt
            ENV SEEN=$X
            """, "--build-arg", "X=from-build-arg");

        Assert.Equal("X=from-build-arg A=env-a\n", File.ReadAllText(Path.Combine(files, "run.txt")));
        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "X=env-x", "A=env-a", "SEEN=from-build-arg"], Env(config));
    }

    [Fact]
    public void Build_StageFromStage_InheritsItsArgs()
    {
        var (files, _) = Build("""
            ENV MODE=env-mode
            ARG MODE
            ARG FLAVOR=vanilla
            FROM base
            RUN echo "MODE=$MODE FLAVOR=$FLAVOR" > /child.txt
            """, "--build-arg", "MODE=build-mode");

        Assert.Equal("MODE=env-mode FLAVOR=vanilla\n", File.ReadAllText(Path.Combine(files, "child.txt")));
    }

    [Fact]
    public void Build_RunAsUser_HasPrimaryAndListedGroups()
    {
        var (files, _) = Build("""
            RUN echo 'ops:x:2001:app' >> /etc/group && mkdir -m 1777 /ids
            USER app
            RUN id > /ids/app
            USER 1000:2001
            RUN id > /ids/uid-gid
            USER 4242
            RUN id > /ids/unknown
            """);

        Assert.Equal("uid=1000(app) gid=1000(app) groups=1000(app),2001(ops)\n", File.ReadAllText(Path.Combine(files, "ids", "app")));
        Assert.Equal("uid=1000(app) gid=2001(ops) groups=2001(ops)\n", File.ReadAllText(Path.Combine(files, "ids", "uid-gid")));
        Assert.Equal("uid=4242 gid=0(root) groups=0(root)\n", File.ReadAllText(Path.Combine(files, "ids", "unknown")));
    }

    [Fact]
    public void Build_HeredocEscapedDollar_IsADollarInCopyAndRun()
    {
        var (files, _) = Build("""
            ARG NAME=world
            COPY <<EOF /copy.txt
            literal \$NAME, expanded $NAME, a backslash \\
            EOF
            RUN <<EOF
            echo "run \$NAME $NAME" > /run.txt
            EOF
            """);

        Assert.Equal("literal $NAME, expanded world, a backslash \\\n", File.ReadAllText(Path.Combine(files, "copy.txt")));
        Assert.Equal("run $NAME world\n", File.ReadAllText(Path.Combine(files, "run.txt")));
    }

    [Fact]
    public void Build_OnbuildHeredoc_RunsInTheChildStage()
    {
        var (files, config) = Build("""
            ONBUILD RUN <<EOF
            echo "hello from an ONBUILD heredoc" > /onbuild.txt
            EOF
            FROM base
            RUN cat /onbuild.txt > /child.txt
            """);

        Assert.Equal("hello from an ONBUILD heredoc\n", File.ReadAllText(Path.Combine(files, "child.txt")));
        Assert.False(config.TryGetProperty("OnBuild", out JsonElement onBuild) && onBuild.ValueKind == JsonValueKind.Array && onBuild.GetArrayLength() > 0);
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
