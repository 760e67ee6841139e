using Builder.Cache.Export;
using Builder.Oci;
using Builder.Testing;

namespace Builder.Cache.Tests.Export;

/// <summary>Docker archives checked by the real Docker engine: <c>docker load</c> reads ours, we read <c>docker save</c>'s.</summary>
public sealed class DockerArchiveTests : IDisposable
{
    private readonly ExportFixture _fixture = new();

    [Fact]
    public async Task WriteDockerAsync_Image_DockerLoadsAndRunsIt()
    {
        string tag = $"imgbuild-test/docker-archive:{Guid.NewGuid():N}";
        string archive = _fixture.PathOf("docker.tar");
        await using (FileStream file = File.Create(archive))
            await ImageArchiveWriter.WriteDockerAsync(_fixture.Source, _fixture.Image(tag), Platform.Parse("linux/amd64"), file, CancellationToken.None);
        ImageManifest manifest = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(_fixture.Source, _fixture.Manifest.Digest));

        try
        {
            string loaded = DockerEngine.Run("load", "-i", archive);
            string id = DockerEngine.Run("image", "inspect", "--format", "{{.Id}}", tag).Trim();
            string output = DockerEngine.Run("run", "--rm", "--network=none", tag, "echo", "loaded by docker");

            Assert.Contains(tag, loaded, StringComparison.Ordinal);
            Assert.Equal(manifest.Config.Digest.ToString(), id);
            Assert.Equal("loaded by docker\n", output);
        }
        finally
        {
            DockerEngine.Run("rmi", "--force", tag);
        }
    }

    [Fact]
    public async Task ReadAsync_DockerSaveArchive_GivesManifestWhoseLayersMatchConfigDiffIds()
    {
        string tag = $"imgbuild-test/docker-save:{Guid.NewGuid():N}";
        string ours = _fixture.PathOf("ours.tar"), saved = _fixture.PathOf("saved.tar");
        await using (FileStream file = File.Create(ours))
            await ImageArchiveWriter.WriteDockerAsync(_fixture.Source, _fixture.Image(tag), Platform.Parse("linux/amd64"), file, CancellationToken.None);
        try
        {
            DockerEngine.Run("load", "-i", ours);
            DockerEngine.Run("save", "-o", saved, tag);
        }
        finally
        {
            DockerEngine.Run("rmi", "--force", tag);
        }

        await using FileStream input = File.OpenRead(saved);
        using ImageArchive archive = await ImageArchiveReader.ReadAsync(input, _fixture.Directory, CancellationToken.None);

        ExportedImage image = Assert.Single(archive.Images);
        Assert.Equal(tag, Assert.Single(image.Names).FamiliarName);
        ImageManifest manifest = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(archive, image.Root.Digest));
        ImageConfig config = ImageConfigSerializer.Deserialize(ImageBlobs.ReadAll(archive, manifest.Config.Digest));
        Assert.Equal(config.RootFs.DiffIds, manifest.Layers.Select(l => l.Digest));
    }

    public void Dispose() => _fixture.Dispose();
}
