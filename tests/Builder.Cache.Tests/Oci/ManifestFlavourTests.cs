using Builder.Oci;

namespace Builder.Cache.Tests.Oci;

public sealed class ManifestFlavourTests
{
    private static readonly Descriptor Config = new(MediaTypes.OciConfig, Digest.Sha256Of("c"u8), 3);

    private static ImageManifest Oci(params string[] layerTypes) =>
        new(MediaTypes.OciManifest, Config, [.. layerTypes.Select((t, i) => new Descriptor(t, Digest.Sha256Of([(byte)i]), i + 1))]);

    [Fact]
    public void ToDocker_OciManifest_ChangesMediaTypesOnly()
    {
        ImageManifest oci = Oci(MediaTypes.OciLayerGzip, MediaTypes.OciLayerTar);

        ImageManifest docker = ManifestFlavour.ToDocker(oci);

        Assert.Equal(MediaTypes.DockerManifest, docker.MediaType);
        Assert.Equal(MediaTypes.DockerConfig, docker.Config.MediaType);
        Assert.Equal([MediaTypes.DockerLayerGzip, MediaTypes.DockerLayerTar], docker.Layers.Select(l => l.MediaType));
        Assert.Equal(oci.Layers.Select(l => (l.Digest, l.Size)), docker.Layers.Select(l => (l.Digest, l.Size)));
        Assert.Equal(oci.Config.Digest, docker.Config.Digest);
    }

    [Fact]
    public void ToOci_DockerManifest_RoundTripsToOriginal()
    {
        ImageManifest oci = Oci(MediaTypes.OciLayerGzip);

        Assert.Equal(ManifestSerializer.Serialize(oci), ManifestSerializer.Serialize(ManifestFlavour.ToOci(ManifestFlavour.ToDocker(oci))));
    }

    [Fact]
    public void ToDocker_ZstdLayer_FailsNamingTheFix()
    {
        var error = Assert.Throws<NotSupportedException>(() => ManifestFlavour.ToDocker(Oci(MediaTypes.OciLayerZstd)));
        Assert.Contains("compression=gzip", error.Message, StringComparison.Ordinal);
    }
}
