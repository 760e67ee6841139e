using System.Collections.Concurrent;
using Builder.Cache.Distribution;
using Builder.Oci;
using Builder.Testing.Registry;

namespace Builder.Cache.Tests.Distribution;

/// <summary>
/// The client against hostile peers on loopback (<see cref="HostileRegistry"/>): one that never answers is given up
/// on after the idle timeout and a few attempts, with an error naming it; a manifest over 4 MiB is refused without
/// being read whole.
/// </summary>
public sealed class RegistryClientLimitsTests
{
    // Far below the 200 MiB the peer tries to send: what the socket buffers hold once the client stops reading.
    private const long ReadLimit = 32L << 20;

    private static RegistryClient Client(Action<string>? waiting = null) => new(new RegistryClientOptions
    {
        IdleTimeout = TimeSpan.FromSeconds(1),
        RetryDelay = TimeSpan.FromMilliseconds(10),
        WaitingReportInterval = TimeSpan.FromMilliseconds(300),
        Waiting = waiting,
    });

    [Fact]
    public async Task GetManifestAsync_RegistryNeverAnswers_FailsNamingItAfterAFewAttempts()
    {
        using var peer = new HostileRegistry(HostileBehaviour.NeverAnswers);
        using RegistryClient client = Client();

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.GetManifestAsync(ImageReference.Parse($"{peer.Host}/silent/image:1"), CancellationToken.None));

        Assert.Equal($"{peer.Host}/silent/image: fetching manifest 1 failed after 3 attempts: {peer.Host} did not answer within 1 s", error.Message);
        Assert.Equal(3, peer.Requests);
    }

    [Fact]
    public async Task GetManifestAsync_RegistryNeverAnswers_SaysWhatItWaitsOnWhileWaiting()
    {
        using var peer = new HostileRegistry(HostileBehaviour.NeverAnswers);
        var said = new ConcurrentQueue<string>();
        using RegistryClient client = Client(said.Enqueue);

        await Assert.ThrowsAsync<RegistryException>(() =>
            client.GetManifestAsync(ImageReference.Parse($"{peer.Host}/silent/image:1"), CancellationToken.None));

        Assert.Contains($"{peer.Host}: fetching manifest 1: no answer yet after 0 s", said);
    }

    [Theory]
    [InlineData(HostileBehaviour.EndlessManifest)]
    [InlineData(HostileBehaviour.AnnouncedHugeManifest)]
    public async Task GetManifestAsync_ManifestOver4MiB_RefusedWithoutReadingItWhole(HostileBehaviour behaviour)
    {
        using var peer = new HostileRegistry(behaviour);
        using RegistryClient client = Client();

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.GetManifestAsync(ImageReference.Parse($"{peer.Host}/huge/image:1"), CancellationToken.None));

        Assert.StartsWith($"manifest {peer.Host}/huge/image:1 is larger than 4 MiB (", error.Message);
        Assert.True(peer.BodyBytesSent < ReadLimit, $"the peer could send {peer.BodyBytesSent} bytes before the client hung up");
    }

    [Fact]
    public async Task OpenConfigAsync_DescriptorOver4MiB_RefusedWithoutAsking()
    {
        using var peer = new HostileRegistry(HostileBehaviour.NeverAnswers);
        using RegistryClient client = Client();
        var config = new Descriptor(MediaTypes.OciConfig, Digest.Sha256Of([]), RegistryClient.MaxManifestSize + 1);

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.OpenConfigAsync(ImageReference.Parse($"{peer.Host}/huge/image:1"), config, CancellationToken.None));

        Assert.Contains("is larger than 4 MiB (4194305 bytes)", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, peer.Requests);
    }

    [Fact]
    public async Task OpenBlobAsync_SlowButNeverSilent_HasNoTotalTimeout()
    {
        // 12 bytes, one every 250 ms: 3 s in all, 1.5 times the idle timeout, never silent for more than an eighth of it
        // (a wide margin: on a loaded 2-core CI machine a gap of a second between two drips was seen).
        byte[] content = "slow content"u8.ToArray();
        using var peer = new HostileRegistry(HostileBehaviour.SlowBlob) { Blob = content, Drip = TimeSpan.FromMilliseconds(250) };
        using RegistryClient client = new(new RegistryClientOptions { IdleTimeout = TimeSpan.FromSeconds(2), RetryDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 2 });
        var blob = new Descriptor("application/octet-stream", Digest.Sha256Of(content), content.Length);

        await using Stream stream = await client.OpenBlobAsync(ImageReference.Parse($"{peer.Host}/slow/image:1"), blob, CancellationToken.None);
        using var read = new MemoryStream();
        await stream.CopyToAsync(read);

        Assert.Equal(content, read.ToArray());
        Assert.Equal(1, peer.Requests);
    }

    [Fact]
    public async Task OpenBlobAsync_SilentMidBody_ResumesThenFailsNamingTheRegistry()
    {
        byte[] content = "stalled"u8.ToArray();
        using var peer = new HostileRegistry(HostileBehaviour.SlowBlob) { Blob = content, Drip = TimeSpan.FromMinutes(1) };
        using RegistryClient client = new(new RegistryClientOptions { IdleTimeout = TimeSpan.FromSeconds(1), RetryDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 2 });
        var blob = new Descriptor("application/octet-stream", Digest.Sha256Of(content), content.Length);

        await using Stream stream = await client.OpenBlobAsync(ImageReference.Parse($"{peer.Host}/slow/image:1"), blob, CancellationToken.None);
        var error = await Assert.ThrowsAsync<IOException>(() => stream.CopyToAsync(Stream.Null));

        Assert.Equal($"{peer.Host} (blob {blob.Digest}) sent nothing for 1 s", error.Message);
        Assert.Equal(3, peer.Requests); // the first request and two resumes
    }
}
