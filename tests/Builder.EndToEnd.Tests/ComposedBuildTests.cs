using System.Collections.Immutable;
using Builder.Cache.Content;
using Builder.Cache.Distribution;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Cache.Layers;
using Builder.Graph;
using Builder.Oci;
using Builder.Solver.Mounts;
using Builder.Solver.Ops;
using Builder.Solver.Runtime;
using Builder.Solver.Snapshots;
using Builder.Solver.Sources;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// The build pieces composed by hand, as the solver will compose them for <c>FROM base</c> + <c>RUN</c>: a base
/// pulled from a real registry and unpacked, a RUN in runc on an overlay snapshot, the image assembled in the store,
/// then exported and run by the Docker engine. (The <c>imgbuild build</c> command that drives this is issue 4.)
/// </summary>
public sealed class ComposedBuildTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-e2e-").FullName;

    [Fact]
    public async Task FromPulledBaseThenRun_DockerRunsTheAssembledImage()
    {
        RequiredTool.RequireRoot();
        var images = new ImageStore(new ContentStore(Path.Combine(_root, "store")));
        using var client = new RegistryClient();
        BaseImage baseImage = await new BaseImageProvider(images, client)
            .GetAsync(ImageReference.Parse(_registry.SeedBusybox("library/busybox")), Platform.Parse("linux/amd64"), CancellationToken.None);
        var runner = new ExecStepRunner(new OverlaySnapshotter(), new RuncRuntime(RequiredTool.Find("runc", "runc"), Path.Combine(_root, "runc")),
            new SnapshotCommitter(images.Content, Path.Combine(_root, "work"), Path.Combine(_root, "layers")), Path.Combine(_root, "work"));
        var step = new ExecStep(["/bin/sh", "-c", "echo built-by-imgbuild > /greeting && rm /etc/group"], [.. baseImage.Config.Config.Env], "/", "")
        {
            Inputs = [new ScratchStep()],
        };

        CommittedLayer run = await runner.RunAsync(step, [(IReadOnlyList<string>)[baseImage.RootFilesystem]],
            new RunMountOptions(Path.Combine(_root, "cache-mounts"), System.Collections.Immutable.ImmutableDictionary<string, byte[]>.Empty, new OverlaySnapshotter(), Path.Combine(_root, "work")),
            _ => { }, new LayerWriteOptions(), CancellationToken.None);
        LayerWriteResult written = await run.Layer;
        ImmutableArray<ImageLayer> layers =
        [
            .. baseImage.Manifest.Layers.Select((blob, i) => new ImageLayer(blob, baseImage.Config.RootFs.DiffIds[i])),
            new ImageLayer(written.Descriptor, written.DiffId),
        ];
        ImageConfig config = baseImage.Config with
        {
            History = [.. baseImage.Config.History, new HistoryEntry { CreatedBy = "RUN /bin/sh -c echo built-by-imgbuild > /greeting && rm /etc/group" }],
        };
        Descriptor manifest = await ImageAssembler.AssembleAsync(images.Content, config, layers, ociMediaTypes: true, CancellationToken.None);
        string tag = $"imgbuild-e2e/composed:{Guid.NewGuid():N}";
        await images.SetAsync(ImageReference.Parse(tag), manifest, CancellationToken.None);
        string archive = Path.Combine(_root, "image.tar");
        await using (FileStream file = File.Create(archive))
            await ImageArchiveWriter.WriteDockerAsync(images.Content, new ExportedImage(manifest, [ImageReference.Parse(tag)]), Platform.Parse("linux/amd64"), file, CancellationToken.None);

        try
        {
            DockerEngine.Run("load", "-i", archive);
            string output = DockerEngine.Run("run", "--rm", "--network=none", tag, "sh", "-c", "cat /greeting; test -e /etc/group || echo no-group");
            Assert.Equal("built-by-imgbuild\nno-group\n", output);
        }
        finally
        {
            DockerEngine.Run("rmi", "--force", tag);
        }
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
