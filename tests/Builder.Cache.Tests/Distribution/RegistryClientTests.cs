using Builder.Cache.Content;
using Builder.Cache.Distribution;
using Builder.Cache.Export;
using Builder.Oci;
using Builder.Testing;
using Builder.Testing.Images;

namespace Builder.Cache.Tests.Distribution;

/// <summary>The client against a real docker-registry on loopback, seeded by skopeo.</summary>
[Collection(RegistryCollection.Name)]
public sealed class RegistryClientTests(RegistryFixture registry) : IDisposable
{
    private static readonly Platform Amd64 = Platform.Parse("linux/amd64");
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-registry-test-").FullName;

    private ImageReference Busybox => ImageReference.Parse(registry.Busybox);

    private ContentStore Store(string name = "store") => new(Path.Combine(_root, name));

    [Fact]
    public async Task PullAsync_SeededImage_StoresManifestConfigAndLayersVerified()
    {
        using var client = new RegistryClient();
        ContentStore store = Store();

        Descriptor manifest = await client.PullAsync(Busybox, Amd64, store, CancellationToken.None);

        Assert.Equal(BusyboxImage.ManifestDigest, manifest.Digest.ToString());
        Assert.All(ImageBlobs.Collect(store, manifest), blob => Assert.True(store.Contains(blob.Digest)));
    }

    [Fact]
    public async Task ResolveAsync_Index_FollowsTheAmd64Entry()
    {
        using var client = new RegistryClient();
        var layout = new OciLayoutReader(BusyboxImage.OciLayoutDirectory);
        Descriptor manifest = layout.Find("latest") with { Annotations = layout.Find("latest").Annotations.Clear() };
        var target = ImageReference.Parse($"{registry.Server.Host}/multi/busybox:1");
        await client.PushAsync(layout, manifest, target.WithDigest(manifest.Digest), null, CancellationToken.None);
        // A second, distinct manifest over the same blobs stands in for the arm64 image.
        ImageManifest amd64 = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(layout, manifest.Digest));
        byte[] arm64 = ManifestSerializer.Serialize(amd64 with { Annotations = amd64.Annotations.Add("test.platform", "arm64") });
        await client.PushManifestAsync(target, Digest.Sha256Of(arm64).ToString(), MediaTypes.OciManifest, arm64, CancellationToken.None);
        byte[] index = ManifestSerializer.Serialize(new ImageIndex(MediaTypes.OciIndex,
        [
            new Descriptor(MediaTypes.OciManifest, Digest.Sha256Of(arm64), arm64.Length) { Platform = Platform.Parse("linux/arm64") },
            manifest with { Platform = Amd64 },
        ]));
        await client.PushManifestAsync(target, "1", MediaTypes.OciIndex, index, CancellationToken.None);

        (Descriptor root, PulledManifest chosen) = await client.ResolveAsync(target, Amd64, CancellationToken.None);

        Assert.Equal(MediaTypes.OciIndex, root.MediaType);
        Assert.Equal(Digest.Sha256Of(index), root.Digest);
        Assert.Equal(manifest.Digest, chosen.Descriptor.Digest);
    }

    [Fact]
    public async Task ResolveAsync_UnknownTag_FailsWithRegistryErrorCode()
    {
        using var client = new RegistryClient();

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.ResolveAsync(ImageReference.Parse($"{registry.Server.Host}/base/busybox:nope"), Amd64, CancellationToken.None));

        Assert.Equal("MANIFEST_UNKNOWN", error.ErrorCode);
        Assert.Contains("base/busybox", error.Message, StringComparison.Ordinal);
        Assert.Contains("404", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushAsync_NewRepository_SkopeoReadsItAndSecondPushSkipsBlobs()
    {
        var source = new OciLayoutReader(BusyboxImage.OciLayoutDirectory);
        Descriptor manifest = source.Find("latest") with { Annotations = source.Find("latest").Annotations.Clear() };
        var target = ImageReference.Parse($"{registry.Server.Host}/pushed/app-{Guid.NewGuid():N}:1");
        var counter = new CountingHandler();
        using var client = new RegistryClient(new RegistryClientOptions { Handler = counter });

        PushReport first = await client.PushAsync(source, manifest, target, null, CancellationToken.None);
        PushReport second = await client.PushAsync(source, manifest, target, null, CancellationToken.None);

        string inspect = ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["inspect", "--tls-verify=false", $"docker://{target}"]);
        Assert.Contains($"\"Digest\": \"{manifest.Digest}\"", inspect, StringComparison.Ordinal);
        Assert.Equal((2, 0), (first.BlobsUploaded, first.BlobsSkipped));
        Assert.Equal((0, 2), (second.BlobsUploaded, second.BlobsSkipped));
        Assert.Equal(2, counter.Requests.Count(r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.Contains("/blobs/uploads/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task PushAsync_BlobsInAnotherRepository_AreMountedNotUploaded()
    {
        var source = new OciLayoutReader(BusyboxImage.OciLayoutDirectory);
        Descriptor manifest = source.Find("latest") with { Annotations = source.Find("latest").Annotations.Clear() };
        var target = ImageReference.Parse($"{registry.Server.Host}/mounted/app-{Guid.NewGuid():N}:1");
        var counter = new CountingHandler();
        using var client = new RegistryClient(new RegistryClientOptions { Handler = counter });

        PushReport report = await client.PushAsync(source, manifest, target, "base/busybox", CancellationToken.None);

        Assert.Equal(0, report.BlobsUploaded);
        Assert.Equal(2, counter.Requests.Count(r => r.StartsWith("POST ", StringComparison.Ordinal) && r.Contains("mount=", StringComparison.Ordinal)));
        Assert.DoesNotContain(counter.Requests, r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.Contains("/blobs/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpenBlobAsync_BytesDamagedInTransit_AreRefused()
    {
        using var client = new RegistryClient(new RegistryClientOptions { Handler = new DisturbingHandler(corrupt: true, dropAfterBytes: -1) });
        ContentStore store = Store();

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PullAsync(Busybox, Amd64, store, CancellationToken.None));

        Assert.Contains("refusing it", error.Message, StringComparison.Ordinal);
        Assert.Empty(store.Enumerate());
    }

    [Fact]
    public async Task OpenBlobAsync_ConnectionDroppedMidBlob_ResumesAndVerifies()
    {
        var disturbing = new DisturbingHandler(corrupt: false, dropAfterBytes: 200);
        using var client = new RegistryClient(new RegistryClientOptions { Handler = disturbing, RetryDelay = TimeSpan.FromMilliseconds(10) });
        ContentStore store = Store();

        Descriptor manifest = await client.PullAsync(Busybox, Amd64, store, CancellationToken.None);

        Assert.Equal(1, disturbing.Drops);
        Assert.All(ImageBlobs.Collect(store, manifest), blob => Assert.True(store.Contains(blob.Digest)));
    }

    [Fact]
    public async Task GetManifestAsync_RegistryUnavailableTwice_RetriesAndSucceeds()
    {
        using var client = new RegistryClient(new RegistryClientOptions { Handler = new UnavailableOnceHandler(2), RetryDelay = TimeSpan.FromMilliseconds(10) });

        PulledManifest manifest = await client.GetManifestAsync(Busybox, CancellationToken.None);

        Assert.Equal(BusyboxImage.ManifestDigest, manifest.Descriptor.Digest.ToString());
    }

    [Fact]
    public async Task GetManifestAsync_RegistryUnavailableEveryTime_FailsWith503AfterMaxAttempts()
    {
        using var client = new RegistryClient(new RegistryClientOptions
        {
            Handler = new UnavailableOnceHandler(100), RetryDelay = TimeSpan.FromMilliseconds(1), MaxAttempts = 3,
        });

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(Busybox, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, error.Status);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
