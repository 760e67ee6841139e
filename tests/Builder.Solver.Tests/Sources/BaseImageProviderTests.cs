using System.Collections.Concurrent;
using Builder.Cache.Content;
using Builder.Cache.Distribution;
using Builder.Cache.Images;
using Builder.Oci;
using Builder.Solver.Sources;
using Builder.Testing;
using Builder.Testing.Images;
using Builder.Testing.Registry;

namespace Builder.Solver.Tests.Sources;

/// <summary>Base images pulled from a real registry and unpacked into a store.</summary>
public sealed class BaseImageProviderTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-base-test-").FullName;
    private readonly ConcurrentQueue<string> _requests = new();

    private sealed class Recorder(ConcurrentQueue<string> requests) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            requests.Enqueue($"{request.Method} {request.RequestUri!.AbsolutePath}");
            return base.SendAsync(request, cancellationToken);
        }
    }

    private BaseImageProvider Provider(RegistryClient client) => new(new ImageStore(new ContentStore(_root)), client);

    [Fact]
    public async Task GetAsync_ImageOnlyInRegistry_IsPulledNamedAndUnpacked()
    {
        RequiredTool.RequireRoot();
        var reference = ImageReference.Parse(_registry.SeedBusybox("base/busybox"));
        using var client = new RegistryClient();

        BaseImage image = await Provider(client).GetAsync(reference, Platform.Parse("linux/amd64"), CancellationToken.None);

        Assert.Equal(BusyboxImage.ManifestDigest, image.ManifestDescriptor.Digest.ToString());
        Assert.True(File.Exists(Path.Combine(image.RootFilesystem, "bin", "busybox")));
        Assert.Equal(["sh"], image.Config.Config.Cmd.ToArray());
        Assert.NotNull(await new ImageStore(new ContentStore(_root)).FindAsync(reference));
    }

    [Fact]
    public async Task GetAsync_SecondTime_UsesStoreWithoutRegistryOrUnpacking()
    {
        RequiredTool.RequireRoot();
        var reference = ImageReference.Parse(_registry.SeedBusybox("base/busybox"));
        using var client = new RegistryClient(new RegistryClientOptions { Handler = new Recorder(_requests) });
        BaseImage first = await Provider(client).GetAsync(reference, Platform.Parse("linux/amd64"), CancellationToken.None);
        File.WriteAllText(Path.Combine(first.RootFilesystem, "marker"), "unpacked once");
        int requestsAfterFirst = _requests.Count;

        BaseImage second = await Provider(client).GetAsync(reference, Platform.Parse("linux/amd64"), CancellationToken.None);

        Assert.Equal(requestsAfterFirst, _requests.Count);
        Assert.Equal(first.RootFilesystem, second.RootFilesystem);
        Assert.True(File.Exists(Path.Combine(second.RootFilesystem, "marker")));
    }

    [Fact]
    public async Task GetAsync_UnknownImage_FailsWithRegistryError()
    {
        using var client = new RegistryClient();

        await Assert.ThrowsAsync<RegistryException>(() =>
            Provider(client).GetAsync(ImageReference.Parse($"{_registry.Host}/none/such:1"), Platform.Parse("linux/amd64"), CancellationToken.None));
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
