using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Oci;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// <c>imgbuild compose</c> honours the build flags and environment as <c>imgbuild build</c> does: --secret, --ssh,
/// --platform, --build-context, SOURCE_DATE_EPOCH (environment and build arg) and --output oci-mediatypes=false. Each
/// test builds a two-service compose file, checks the effect in both images, and builds one service again with
/// <c>build</c> in a store of its own to check the two agree.
/// </summary>
public sealed class ComposeOptionsTests : IDisposable
{
    private const long Epoch = 1_700_000_000; // 2023-11-14T22:13:20Z
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-compose-options-e2e-").FullName;
    private readonly string _base;

    public ComposeOptionsTests()
    {
        _base = _registry.SeedBusybox("library/busybox");
    }

    private (int Status, string Out, string Err) Imgbuild(string store, IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        InProcessImgbuild.Run(environment, ["--root", Path.Combine(_root, store), .. args]);

    private (int Status, string Out, string Err) Imgbuild(string store, params string[] args) => Imgbuild(store, new Dictionary<string, string?>(), args);

    private static Dictionary<string, string?> Environment(string name, string value) => new() { [name] = value };

    private void Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_root, path))!);
        File.WriteAllText(Path.Combine(_root, path), content);
    }

    // Two services: web is the "web" stage of ./app, worker has a context of its own (./worker), so the options are
    // checked on a service reading the first context and on one reading another.
    private string TwoServices(string appDockerfile, string workerDockerfile)
    {
        Write("app/Dockerfile", appDockerfile);
        Write("worker/Dockerfile", workerDockerfile);
        Write("docker-compose.yml", """
            name: shop
            services:
              web:
                image: shop/web:1
                build:
                  context: ./app
                  target: web
              worker:
                image: shop/worker:1
                build: ./worker
            """);
        return Path.Combine(_root, "docker-compose.yml");
    }

    private string App => Path.Combine(_root, "app");

    private string Worker => Path.Combine(_root, "worker");

    // The stored image's manifest and config, as JSON.
    private async Task<(Descriptor Target, JsonDocument Manifest, JsonDocument Config)> StoredAsync(string store, string name)
    {
        var content = new ContentStore(Path.Combine(_root, store));
        ImageRecord record = await new ImageStore(content).GetAsync(ImageReference.Parse(name));
        JsonDocument manifest = JsonDocument.Parse(await content.ReadAllBytesAsync(record.Target.Digest));
        JsonDocument config = JsonDocument.Parse(await content.ReadAllBytesAsync(Digest.Parse(manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!)));
        return (record.Target, manifest, config);
    }

    // A file of the stored image, read from its layers, the top one first.
    private async Task<string> FileAsync(string store, string name, string path)
    {
        var content = new ContentStore(Path.Combine(_root, store));
        (_, JsonDocument manifest, JsonDocument config) = await StoredAsync(store, name);
        using (manifest)
        using (config)
        {
            foreach (JsonElement layer in manifest.RootElement.GetProperty("layers").EnumerateArray().Reverse())
            {
                using Stream blob = content.OpenRead(Digest.Parse(layer.GetProperty("digest").GetString()!));
                using Stream tar = layer.GetProperty("mediaType").GetString()!.EndsWith("gzip", StringComparison.Ordinal) ? new GZipStream(blob, CompressionMode.Decompress) : blob;
                using var reader = new TarReader(tar);
                while (reader.GetNextEntry() is { } entry)
                {
                    if (entry.Name.TrimStart('.', '/') != path.TrimStart('/') || entry.DataStream is null) continue;
                    using var text = new StreamReader(entry.DataStream);
                    return await text.ReadToEndAsync();
                }
            }
        }
        throw new FileNotFoundException($"{name} has no {path}");
    }

    private static string Iso(long seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string DigestOf(string composeOut, string service) =>
        composeOut.Split('\n').Single(l => l.StartsWith(service + " ", StringComparison.Ordinal)).Split(' ')[1];

    [Fact]
    public async Task Compose_Secret_IsMountedInEveryServicesRunSteps_AsBuildDoes()
    {
        RequiredTool.RequireRoot();
        const string Secret = "compose-s3cr3t";
        string md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(Secret)));
        Write("token", Secret);
        string compose = TwoServices(
            $"FROM {_base} AS web\nRUN --mount=type=secret,id=token md5sum < /run/secrets/token | cut -c1-32 > /token.md5\n",
            $"FROM {_base}\nRUN --mount=type=secret,id=token,required=true md5sum < /run/secrets/token | cut -c1-32 > /token.md5\n");
        string secret = $"id=token,src={Path.Combine(_root, "token")}";

        var composed = Imgbuild("store", "compose", "-f", compose, "--secret", secret);
        var built = Imgbuild("store-build", "build", "-t", "shop/web:1", "--target", "web", "--secret", secret, App);

        Assert.True(composed.Status == 0, composed.Err);
        Assert.True(built.Status == 0, built.Err);
        Assert.Equal(md5 + "\n", await FileAsync("store", "shop/web:1", "/token.md5"));
        Assert.Equal(md5 + "\n", await FileAsync("store", "shop/worker:1", "/token.md5"));
        Assert.Equal(await FileAsync("store-build", "shop/web:1", "/token.md5"), await FileAsync("store", "shop/web:1", "/token.md5"));
    }

    [Fact]
    public async Task Compose_SshDefaultFromTheEnvironment_MountsTheAgentInEveryService_AsBuildDoes()
    {
        RequiredTool.RequireRoot();
        string agent = Path.Combine(_root, "agent.sock");
        string started = ProcessRunner.Run(RequiredTool.Find("ssh-agent", "openssh-client"), ["-a", agent, "-s"]);
        try
        {
            const string Run = "RUN --mount=type=ssh,required=true stat -c '%F %a' \"$SSH_AUTH_SOCK\" > /ssh && echo \"$SSH_AUTH_SOCK\" >> /ssh\n";
            string compose = TwoServices($"FROM {_base} AS web\n{Run}", $"FROM {_base}\n{Run}");
            var environment = Environment("SSH_AUTH_SOCK", agent);

            var composed = Imgbuild("store", environment, "compose", "-f", compose, "--ssh", "default");
            var built = Imgbuild("store-build", environment, "build", "-t", "shop/web:1", "--target", "web", "--ssh", "default", App);

            Assert.True(composed.Status == 0, composed.Err);
            Assert.True(built.Status == 0, built.Err);
            Assert.Equal("socket 600\n/run/buildkit/ssh_agent.0\n", await FileAsync("store", "shop/web:1", "/ssh"));
            Assert.Equal("socket 600\n/run/buildkit/ssh_agent.0\n", await FileAsync("store", "shop/worker:1", "/ssh"));
            Assert.Equal(await FileAsync("store-build", "shop/web:1", "/ssh"), await FileAsync("store", "shop/web:1", "/ssh"));
        }
        finally
        {
            ProcessRunner.Run("kill", [started.Split("SSH_AGENT_PID=")[1].Split(';')[0]]);
        }
    }

    [Fact]
    public async Task Compose_RunForAnotherMachinesPlatform_FailsWithTheMessageBuildGives()
    {
        RequiredTool.RequireRoot();
        string other = Platform.Current.Architecture == "arm64" ? "linux/amd64" : "linux/arm64";
        string compose = TwoServices($"FROM {_base} AS web\nRUN echo web > /web\n", $"FROM {_base}\nRUN echo worker > /worker\n");

        var composed = Imgbuild("store", "compose", "-f", compose, "--platform", other);
        var built = Imgbuild("store-build", "build", "--target", "web", "--platform", other, App);

        Assert.Equal((1, 1), (composed.Status, built.Status));
        // Another architecture is cross-built, but a RUN in it needs an emulator imgbuild does not have.
        Assert.Contains($"not supported yet: RUN for {other} needs emulation", composed.Err, StringComparison.Ordinal);
        Assert.Equal(Messages(built.Err), Messages(composed.Err));
        Assert.Empty(await new ImageStore(new ContentStore(Path.Combine(_root, "store"))).ListAsync());
    }

    // What a build says besides its progress lines (#N …), which carry times.
    private static string[] Messages(string err) => [.. err.Split('\n').Where(line => !line.StartsWith('#'))];

    [Fact]
    public async Task Compose_BuildContexts_ANamedDirectoryAndImageReachEveryService_AsInBuild()
    {
        RequiredTool.RequireRoot();
        Write("docs/guide.md", "the guide\n");
        string compose = TwoServices(
            "FROM base AS web\nCOPY --from=docs guide.md /guide.md\n",
            "FROM docs AS files\nFROM base\nCOPY --from=files / /docs/\n");
        string[] contexts = ["--build-context", $"docs={Path.Combine(_root, "docs")}", "--build-context", $"base=docker-image://{_base}"];

        var composed = Imgbuild("store", ["compose", "-f", compose, .. contexts]);
        var built = Imgbuild("store-build", ["build", "-t", "shop/worker:1", .. contexts, Worker]);

        Assert.True(composed.Status == 0, composed.Err);
        Assert.True(built.Status == 0, built.Err);
        Assert.Equal("the guide\n", await FileAsync("store", "shop/web:1", "/guide.md"));
        Assert.Equal("the guide\n", await FileAsync("store", "shop/worker:1", "/docs/guide.md"));
        Assert.Equal("the guide\n", await FileAsync("store-build", "shop/worker:1", "/docs/guide.md"));
        Assert.NotEmpty(await FileAsync("store", "shop/worker:1", "/bin/busybox"));
    }

    [Fact]
    public async Task Compose_SourceDateEpochFromTheEnvironment_SetsEveryImagesCreated_AndMatchesBuildByteForByte()
    {
        RequiredTool.RequireRoot();
        string compose = TwoServices($"FROM {_base} AS web\nRUN echo web > /web\n", $"FROM {_base}\nRUN echo worker > /worker\n");
        var environment = Environment("SOURCE_DATE_EPOCH", Epoch.ToString(CultureInfo.InvariantCulture));

        var composed = Imgbuild("store", environment, "compose", "-f", compose);
        var builtWeb = Imgbuild("store-build", environment, "build", "--target", "web", App);
        var builtWorker = Imgbuild("store-build", environment, "build", Worker);

        Assert.True(composed.Status == 0, composed.Err);
        foreach (string name in new[] { "shop/web:1", "shop/worker:1" })
        {
            (_, JsonDocument manifest, JsonDocument config) = await StoredAsync("store", name);
            using (manifest)
            using (config)
            {
                Assert.Equal(Iso(Epoch), config.RootElement.GetProperty("created").GetString());
                Assert.Equal(Iso(Epoch), config.RootElement.GetProperty("history").EnumerateArray().Last().GetProperty("created").GetString());
            }
        }
        Assert.Equal(builtWeb.Out.Trim(), DigestOf(composed.Out, "web"));
        Assert.Equal(builtWorker.Out.Trim(), DigestOf(composed.Out, "worker"));
    }

    [Fact]
    public async Task Compose_SourceDateEpochBuildArg_WinsOverTheEnvironment_AsInBuild()
    {
        RequiredTool.RequireRoot();
        const long Given = 1_650_000_000;
        string compose = TwoServices($"FROM {_base} AS web\nRUN echo web > /web\n", $"FROM {_base}\nRUN echo worker > /worker\n");
        var environment = Environment("SOURCE_DATE_EPOCH", Epoch.ToString(CultureInfo.InvariantCulture));
        string arg = $"SOURCE_DATE_EPOCH={Given}";

        var composed = Imgbuild("store", environment, "compose", "-f", compose, "--build-arg", arg);
        var built = Imgbuild("store-build", environment, "build", "--build-arg", arg, "--target", "web", App);

        Assert.True(composed.Status == 0, composed.Err);
        foreach (string name in new[] { "shop/web:1", "shop/worker:1" })
        {
            (_, JsonDocument manifest, JsonDocument config) = await StoredAsync("store", name);
            using (manifest)
            using (config)
                Assert.Equal(Iso(Given), config.RootElement.GetProperty("created").GetString());
        }
        Assert.Equal(built.Out.Trim(), DigestOf(composed.Out, "web"));
    }

    [Fact]
    public async Task Compose_OutputWithoutOciMediaTypes_StoresDockerMediaTypes_AsBuildDoes()
    {
        RequiredTool.RequireRoot();
        string compose = TwoServices($"FROM {_base} AS web\nRUN echo web > /web\n", $"FROM {_base}\nCOPY Dockerfile /Dockerfile\n");
        const string Output = "type=image,oci-mediatypes=false";

        var composed = Imgbuild("store", "compose", "-f", compose, "--output", Output);
        var built = Imgbuild("store-build", "build", "-t", "shop/web:1", "--target", "web", "--output", Output, App);

        Assert.True(composed.Status == 0, composed.Err);
        Assert.True(built.Status == 0, built.Err);
        async Task<string[]> MediaTypesAsync(string store, string name)
        {
            (Descriptor target, JsonDocument manifest, JsonDocument config) = await StoredAsync(store, name);
            using (manifest)
            using (config)
            {
                JsonElement m = manifest.RootElement;
                return [target.MediaType, m.GetProperty("mediaType").GetString()!, m.GetProperty("config").GetProperty("mediaType").GetString()!,
                    .. m.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("mediaType").GetString()!)];
            }
        }
        foreach (string name in new[] { "shop/web:1", "shop/worker:1" })
        {
            string[] types = await MediaTypesAsync("store", name);
            Assert.Equal([MediaTypes.DockerManifest, MediaTypes.DockerManifest, MediaTypes.DockerConfig], types[..3]);
            // The busybox base layer as pulled (gzip); the built layers as the local store keeps them (uncompressed,
            // compressed only when the image leaves the machine), both of Docker's family.
            Assert.Equal(MediaTypes.DockerLayerGzip, types[3]);
            Assert.All(types[4..], t => Assert.Equal(MediaTypes.DockerLayerTar, t));
        }
        Assert.Equal(await MediaTypesAsync("store-build", "shop/web:1"), await MediaTypesAsync("store", "shop/web:1"));
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
