using Builder.Cli.Compose;

namespace Builder.Cli.Tests.Compose;

public sealed class ComposeProjectTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-compose-project-").FullName;

    private string Write(string path, string content)
    {
        string full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    private ComposeProject Load(Dictionary<string, string>? environment = null, string[]? files = null, string[]? profiles = null, string[]? envFiles = null, string? name = null) =>
        ComposeProject.Load(new ComposeLoadOptions
        {
            Environment = n => environment?.GetValueOrDefault(n),
            Files = [.. files ?? [Path.Combine(_root, "compose.yaml")]],
            Profiles = [.. profiles ?? []],
            EnvFiles = [.. envFiles ?? []],
            ProjectName = name,
            WorkingDirectory = _root,
        });

    private static ComposeService Only(IReadOnlyList<ComposeService> services, string name) => Assert.Single(services, s => s.Name == name);

    public ComposeProjectTests()
    {
        Write("app/Dockerfile", "FROM scratch\n");
        Write("worker/Dockerfile", "FROM scratch\n");
    }

    [Fact]
    public void Load_OverrideFile_MergesArgsByKey_AppendsTagsOnce_AndResets()
    {
        Write("compose.yaml", """
            services:
              web:
                build:
                  context: app
                  args: [A=1, B=2]
                  tags: [shop/web:1]
                  cache_from: [type=local,src=/tmp/c]
            """);
        Write("compose.override.yaml", """
            services:
              web:
                build:
                  args: {B: two, C: "3"}
                  tags: [shop/web:1, shop/web:2]
                  cache_from: !reset []
            """);

        var web = Only(Load(files: [Path.Combine(_root, "compose.yaml"), Path.Combine(_root, "compose.override.yaml")]).Select([]), "web");

        Assert.Equal(new Dictionary<string, string> { ["A"] = "1", ["B"] = "two", ["C"] = "3" }, web.Build!.Args);
        Assert.Equal<string>(["shop/web:1", "shop/web:2"], web.Build.Tags);
        Assert.Empty(web.Build.CacheFrom);
    }

    [Fact]
    public void Load_DotEnv_IsReadFromTheProjectDirectory_AndTheEnvironmentWins()
    {
        Write(".env", "TAG=from-dotenv\nGREETING=hello\n");
        Write("compose.yaml", """
            name: ${PROJECT:-shop}
            services:
              web:
                image: shop/web:${TAG}
                build:
                  context: app
                  args: {GREETING: "${GREETING}", FROM_ENV: }
            """);

        var project = Load(new Dictionary<string, string> { ["GREETING"] = "bonjour", ["FROM_ENV"] = "env" });
        var web = Only(project.Select([]), "web");

        Assert.Equal("shop", project.Name);
        Assert.Equal<string>(["shop/web:from-dotenv"], web.Names);
        Assert.Equal("bonjour", web.Build!.Args["GREETING"]);
        Assert.Equal("env", web.Build.Args["FROM_ENV"]);
    }

    [Fact]
    public void Load_EnvFileFlag_ReplacesDotEnv()
    {
        Write(".env", "TAG=from-dotenv\n");
        string other = Write("other.env", "TAG=from-other\n");
        Write("compose.yaml", "services:\n  web:\n    image: web:${TAG}\n    build: app\n");

        Assert.Equal<string>(["web:from-other"], Only(Load(envFiles: [other]).Select([]), "web").Names);
    }

    [Fact]
    public void Load_RequiredVariableMissing_FailsWithItsPathAndMessage()
    {
        Write("compose.yaml", "services:\n  web:\n    build:\n      context: app\n      args:\n        TOKEN: ${TOKEN:?set TOKEN to your API token}\n");

        var error = Assert.Throws<FormatException>(() => Load());

        Assert.Equal($"{Path.Combine(_root, "compose.yaml")}: services.web.build.args.TOKEN: required variable TOKEN is missing a value: set TOKEN to your API token", error.Message);
    }

    [Fact]
    public void Load_ProjectName_FlagThenEnvironmentThenNameThenDirectory()
    {
        Write("compose.yaml", "name: fromfile\nservices:\n  web:\n    build: app\n");

        Assert.Equal("flag", Load(new() { ["COMPOSE_PROJECT_NAME"] = "env" }, name: "flag").Name);
        Assert.Equal("env", Load(new() { ["COMPOSE_PROJECT_NAME"] = "env" }).Name);
        Assert.Equal("fromfile", Load().Name);
        Assert.Equal<string>(["fromfile-web"], Only(Load().Select([]), "web").Names);
    }

    private void ThreeServices() => Write("compose.yaml", """
        x-build: &build
          context: app
        services:
          web:
            build: *build
            depends_on: [api]
          api:
            build:
              <<: *build
              context: worker
            depends_on:
              db: {condition: service_healthy}
          db:
            image: postgres:16
          debug:
            build: *build
            profiles: [debug]
        """);

    [Fact]
    public void Select_Default_BuildsEnabledServicesWithBuild_DependenciesFirst_NotTheDebugProfile()
    {
        ThreeServices();

        Assert.Equal(["api", "web"], Load().Select([]).Select(s => s.Name));
    }

    [Fact]
    public void Select_AProfile_AddsItsServices()
    {
        ThreeServices();

        Assert.Equal(["api", "web", "debug"], Load(profiles: ["debug"]).Select([]).Select(s => s.Name));
        Assert.Equal(["api", "web", "debug"], Load(new() { ["COMPOSE_PROFILES"] = "debug" }).Select([]).Select(s => s.Name));
    }

    [Fact]
    public void Select_NamedServices_BringTheirDependencies_AndEnableTheirProfiles()
    {
        ThreeServices();

        Assert.Equal(["api", "web"], Load().Select(["web"]).Select(s => s.Name));
        Assert.Equal(["debug"], Load().Select(["debug"]).Select(s => s.Name));
    }

    [Fact]
    public void Select_DependencyDisabledByItsProfile_IsAnError()
    {
        Write("compose.yaml", "services:\n  web:\n    build: app\n    depends_on: [tools]\n  tools:\n    build: worker\n    profiles: [dev]\n");

        var error = Assert.Throws<FormatException>(() => Load().Select([]));

        Assert.Contains("services.web depends on 'tools', which is disabled by its profiles (dev)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_UnknownService_SaysSo()
    {
        ThreeServices();

        Assert.Contains("has no service 'nope'", Assert.Throws<FormatException>(() => Load().Select(["nope"])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_ServiceContext_IsADependency_AndInlineDockerfileIsKept()
    {
        Write("compose.yaml", """
            services:
              app:
                build:
                  context: app
                  dockerfile_inline: |
                    FROM base
                    RUN true
                  additional_contexts:
                    base: service:base
                    docs: ./worker
              base:
                build: worker
            """);

        var chosen = Load().Select(["app"]);

        Assert.Equal(["base", "app"], chosen.Select(s => s.Name));
        ComposeBuild app = chosen[1].Build!;
        Assert.Equal("FROM base\nRUN true\n", app.DockerfileInline);
        Assert.Equal("service:base", app.AdditionalContexts["base"]);
        Assert.Equal(Path.Combine(_root, "worker"), app.AdditionalContexts["docs"]);
    }

    [Fact]
    public void Select_CircularDependency_IsAnError()
    {
        Write("compose.yaml", "services:\n  a:\n    build: app\n    depends_on: [b]\n  b:\n    build: app\n    depends_on: [a]\n");

        Assert.Contains("depends on itself", Assert.Throws<FormatException>(() => Load().Select([])).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("isolation: hyperv", "not supported yet: build.isolation 'hyperv'")]
    [InlineData("sbom: true", "not supported yet: build.sbom")]
    [InlineData("network: backend", "not supported yet: build.network 'backend'")]
    [InlineData("context: https://github.com/x/y.git", "not supported yet: build.context 'https://github.com/x/y.git'")]
    public void Select_KeyNotSupportedYet_IsAnErrorNamingIt_OnlyForAServiceBeingBuilt(string key, string message)
    {
        string context = key.StartsWith("context:", StringComparison.Ordinal) ? "" : "\n      context: app";
        Write("compose.yaml", $"services:\n  web:\n    build: app\n  odd:\n    profiles: [later]\n    build:{context}\n      {key}\n");

        Assert.Equal(["web"], Load().Select([]).Select(s => s.Name));
        var error = Assert.Throws<FormatException>(() => Load().Select(["odd"]));
        Assert.Contains($"services.odd: {message}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKeys_AreWarningsNamingThem()
    {
        Write("compose.yaml", "x-anything: 1\nservices:\n  web:\n    colour: blue\n    build:\n      context: app\n      no_cahce: true\n      x-note: fine\n");

        var project = Load();

        Assert.Equal(2, project.Warnings.Length);
        Assert.Contains(project.Warnings, w => w.Contains("services.web.colour is not a compose service key", StringComparison.Ordinal));
        Assert.Contains(project.Warnings, w => w.Contains("services.web.build.no_cahce is not a compose build key", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_BuildKeys_NoCachePrivilegedNetworkSecretsSsh()
    {
        Write("token", "t");
        Write("compose.yaml", """
            services:
              web:
                build:
                  context: app
                  no_cache: true
                  privileged: true
                  network: none
                  secrets: [token, {source: env_secret, target: api}]
                  ssh: [default, "deploy=keys/agent.sock"]
            secrets:
              token: {file: ./token}
              env_secret: {environment: API_KEY}
            """);

        ComposeBuild build = Only(Load().Select([]), "web").Build!;

        Assert.True(build.NoCache);
        Assert.Equal<string>(["security.insecure"], build.Entitlements);
        Assert.Equal("none", build.Network);
        Assert.Equal<string>([$"id=token,src={Path.Combine(_root, "token")}", "id=api,env=API_KEY"], build.Secrets);
        Assert.Equal<string>(["default", $"deploy={Path.Combine(_root, "keys/agent.sock")}"], build.Ssh.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Load_ExtraHostsUlimitsShmSizePull_AreRead()
    {
        Write("compose.yaml", """
            services:
              web:
                build:
                  context: app
                  extra_hosts: ["db:10.0.0.5", "cache=10.0.0.6"]
                  ulimits:
                    nproc: 512
                    nofile: {soft: 1024, hard: 2048}
                  shm_size: 128m
                  pull: true
            """);

        ComposeBuild build = Only(Load().Select([]), "web").Build!;

        // In host order, whatever the file's order or the map's hashing.
        Assert.Equal<Builder.Graph.ExtraHost>([new("cache", "10.0.0.6"), new("db", "10.0.0.5")], build.ExtraHosts);
        Assert.Equal<Builder.Graph.Ulimit>([new("nproc", 512, 512), new("nofile", 1024, 2048)], build.Ulimits);
        Assert.Equal(128L * 1024 * 1024, build.ShmSize);
        Assert.True(build.Pull);
    }

    [Theory]
    [InlineData("extra_hosts: [\"db:not-an-ip\"]", "services.web.build.extra_hosts: invalid --add-host")]
    [InlineData("ulimits: {nofiles: 10}", "services.web.build.ulimits: invalid --ulimit 'nofiles=10': unknown limit 'nofiles'")]
    [InlineData("shm_size: lots", "services.web.build.shm_size: invalid shm_size 'lots'")]
    [InlineData("no_cache: maybe", "services.web.build.no_cache must be true or false, got 'maybe'")]
    [InlineData("dockerfile: Other", "the Dockerfile")]
    [InlineData("secrets: [nope]", "uses 'nope', which the top-level 'secrets:' does not define")]
    [InlineData("additional_contexts: {x: \"service:ghost\"}", "'service:ghost' is not a service of this project")]
    public void Load_BadBuildValues_AreErrorsWithTheirPath(string key, string message)
    {
        Write("compose.yaml", $"services:\n  web:\n    build:\n      context: app\n      {key}\n");

        Assert.Contains(message, Assert.Throws<FormatException>(() => Load()).Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
