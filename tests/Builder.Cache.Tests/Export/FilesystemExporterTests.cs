using Builder.Cache.Export;
using Builder.Oci;
using Builder.Testing;

namespace Builder.Cache.Tests.Export;

public sealed class FilesystemExporterTests : IDisposable
{
    private readonly ExportFixture _fixture = new();

    [Fact]
    public async Task WriteDirectoryAsync_Image_GivesSameTreeAsGnuTar()
    {
        string ours = _fixture.PathOf("ours"), theirs = _fixture.PathOf("theirs");
        ImageManifest manifest = FilesystemExporter.ResolveManifest(_fixture.Source, _fixture.Manifest, Platform.Parse("linux/amd64"));
        Directory.CreateDirectory(theirs);
        ProcessRunner.Run("tar", ["-xzf", Path.Combine(Builder.Testing.Images.BusyboxImage.OciLayoutDirectory, "blobs", "sha256", manifest.Layers[0].Digest.Encoded), "-C", theirs]);

        await FilesystemExporter.WriteDirectoryAsync(_fixture.Source, _fixture.Manifest, Platform.Parse("linux/amd64"), ours, CancellationToken.None);

        string Listing(string root) => ProcessRunner.Shell("find . -printf '%p %y %m %U:%G %s %l\\n' | sort", root);
        Assert.Equal(Listing(theirs), Listing(ours));
    }

    [Fact]
    public async Task WriteTarAsync_Image_TarListsItsFiles()
    {
        string tar = _fixture.PathOf("fs.tar");
        await using (FileStream file = File.Create(tar))
            await FilesystemExporter.WriteTarAsync(_fixture.Source, _fixture.Manifest, Platform.Parse("linux/amd64"), file, _fixture.Directory, CancellationToken.None);

        string listing = ProcessRunner.Run("tar", ["-tvf", tar]);

        Assert.Contains("bin/busybox", listing, StringComparison.Ordinal);
        Assert.Contains("bin/sh -> busybox", listing, StringComparison.Ordinal);
    }

    public void Dispose() => _fixture.Dispose();
}
