using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Oci;
using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary><c>imgbuild compose</c>: three services in one solve, a shared base stage built once, args, tags and targets.</summary>
public sealed class ComposeBuildTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-compose-e2e-").FullName;

    private void Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_root, path))!);
        File.WriteAllText(Path.Combine(_root, path), content);
    }

    private (int Status, string Out, string Err) Imgbuild(params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, "store"), .. args]);

    [Fact]
    public async Task Compose_ThreeServicesSharingABaseStage_BuildsItOnce_AndStoresEachImage()
    {
        RequiredTool.RequireRoot();
        Write("app/Dockerfile", $"""
            FROM {_registry.SeedBusybox("library/busybox")} AS base
            RUN echo shared-base-step && sleep 1 && echo base > /base.txt

            FROM base AS web
            ARG GREETING=hello
            RUN echo "$GREETING from web" > /web.txt

            FROM base AS api
            COPY api.txt /api.txt
            """);
        Write("app/api.txt", "api\n");
        Write("worker/Dockerfile", $"FROM {_registry.Host}/library/busybox:latest\nCOPY job.sh /job.sh\n");
        Write("worker/job.sh", "echo job\n");
        Write("docker-compose.yml", """
            # Three services: two targets of one Dockerfile, one from its own context.
            name: shop
            services:
              web:
                image: shop/web:1
                build:
                  context: ./app
                  target: web
                  args:
                    GREETING: "${GREETING_WORD:-bonjour}"
              api:
                build:
                  context: app
                  target: api
                  tags: ["shop/api:1", "shop/api:latest"]
              worker:
                build: ./worker
              database:
                image: postgres:16
            """);

        var build = Imgbuild("compose", "-f", Path.Combine(_root, "docker-compose.yml"));

        Assert.True(build.Status == 0, build.Err);
        Assert.Single(build.Err.Split('\n'), l => l.Contains("] RUN echo shared-base-step", StringComparison.Ordinal));
        var images = new ImageStore(new ContentStore(Path.Combine(_root, "store")));
        foreach (string name in new[] { "shop/web:1", "shop/api:1", "shop/api:latest", "shop-worker" })
            Assert.NotNull(await images.FindAsync(ImageReference.Parse(name)));
        Assert.Matches(@"^web sha256:[0-9a-f]{64} shop/web:1\n", build.Out);
        string rootfs = Path.Combine(_root, "web-rootfs");
        var export = Imgbuild("build", "--target", "web", "--build-arg", "GREETING=bonjour", "--output", $"type=local,dest={rootfs}", Path.Combine(_root, "app"));
        Assert.True(export.Status == 0, export.Err);
        Assert.Equal("bonjour from web\n", File.ReadAllText(Path.Combine(rootfs, "web.txt")));
        Assert.All(ProgressSteps.Parse(export.Err).Where(s => s.Instruction.StartsWith("RUN", StringComparison.Ordinal)), s => Assert.True(s.Cached, s.Instruction));
    }

    [Fact]
    public void Compose_UnknownService_SaysSo()
    {
        Write("docker-compose.yml", "services:\n  web:\n    build: .\n");
        Write("Dockerfile", "FROM scratch\n");

        var build = Imgbuild("compose", "-f", Path.Combine(_root, "docker-compose.yml"), "nope");

        Assert.Equal(1, build.Status);
        Assert.Contains("no service 'nope'", build.Err, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
