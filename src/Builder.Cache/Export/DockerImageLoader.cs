using System.Collections.Immutable;
using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Export;

/// <summary>
/// Loads a built image into the Docker engine (<c>--load</c>, <c>--output type=docker</c> without <c>dest</c>), as
/// buildx does: a Docker archive streamed to <c>POST /images/load</c>, layers as the store keeps them (often
/// uncompressed: the socket is local, so compressing would only cost time).
/// <para>
/// Only the layers the engine lacks are sent when it can tell. Docker's own image store (Docker 20.10's) loads an
/// archive layer by layer and opens a layer's file only when it has no layer with that chain (moby's
/// <c>image/tarexport/load.go</c>); the API has no call to ask for a layer, but <c>GET /images/{name}/json</c> gives
/// the layers of an image it has. So the layers an image of the same name (the previous build of this tag) shares
/// with this one, from the bottom up, are left out. An engine with the containerd image store reads every blob of
/// the archive, so it is sent everything; if a load with layers left out fails, it is retried with all of them.
/// </para>
/// </summary>
internal sealed class DockerImageLoader(DockerEngineClient docker)
{
    /// <summary>Loads <paramref name="image"/> (its manifest for <paramref name="platform"/>) and says what was sent.</summary>
    /// <exception cref="InvalidOperationException">No engine answers, or it refused the image.</exception>
    public async Task<DockerLoadResult> LoadAsync(IBlobReader blobs, ExportedImage image, Platform platform, CancellationToken cancellationToken)
    {
        await docker.PingAsync(cancellationToken).ConfigureAwait(false);
        ImmutableArray<Digest> diffIds = [];
        IReadOnlyList<Descriptor> layers = [];
        Descriptor root = image.Root;
        if (ManifestSerializer.IsIndex(root.MediaType))
            root = ManifestSerializer.DeserializeIndex(ImageBlobs.ReadAll(blobs, root.Digest)).Select(platform) ?? root;
        if (!ManifestSerializer.IsIndex(root.MediaType))
        {
            ImageManifest manifest = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(blobs, root.Digest));
            layers = manifest.Layers;
            diffIds = ImageConfigSerializer.Deserialize(ImageBlobs.ReadAll(blobs, manifest.Config.Digest)).RootFs.DiffIds;
        }

        int known = await SharedLayersAsync(image.Names, diffIds, cancellationToken).ConfigureAwait(false);
        var leaveOut = new HashSet<Digest>(layers.Take(known).Select(l => l.Digest));
        // A blob used by a layer that is sent too (the same layer twice) must stay in the archive.
        leaveOut.ExceptWith(layers.Skip(known).Select(l => l.Digest));
        if (leaveOut.Count > 0)
        {
            try
            {
                string said = await docker.LoadAsync((stream, ct) => ImageArchiveWriter.WriteDockerAsync(blobs, image, platform, stream, leaveOut, ct),
                    cancellationToken).ConfigureAwait(false);
                return new DockerLoadResult(docker.Host, layers.Count - known, known, said);
            }
            catch (InvalidOperationException)
            {
                // The engine lost a layer since it was asked (a prune), or reads archives otherwise: send everything.
            }
        }
        string reply = await docker.LoadAsync((stream, ct) => ImageArchiveWriter.WriteDockerAsync(blobs, image, platform, stream, ct), cancellationToken)
            .ConfigureAwait(false);
        return new DockerLoadResult(docker.Host, layers.Count, 0, reply);
    }

    // How many of the image's layers, from the bottom, an image the engine has under one of the names shares with it.
    private async Task<int> SharedLayersAsync(ImmutableArray<ImageReference> names, ImmutableArray<Digest> diffIds, CancellationToken cancellationToken)
    {
        if (diffIds.IsEmpty || names.IsDefaultOrEmpty || await docker.UsesContainerdStoreAsync(cancellationToken).ConfigureAwait(false)) return 0;
        int best = 0;
        foreach (ImageReference name in names.Where(n => n.Tag is not null))
        {
            if (await docker.ImageLayersAsync(ImageReference.Parse($"{name.Name}:{name.Tag}").FamiliarName, cancellationToken).ConfigureAwait(false) is not { } theirs)
                continue;
            int shared = 0;
            while (shared < diffIds.Length && shared < theirs.Length && diffIds[shared] == theirs[shared]) shared++;
            best = Math.Max(best, shared);
        }
        return best;
    }
}
