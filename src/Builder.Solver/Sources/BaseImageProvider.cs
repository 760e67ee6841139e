using Builder.Cache.Content;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Cache.Layers;
using Builder.Cache.Oci;
using Builder.Cache.Registry;

namespace Builder.Solver.Sources;

/// <summary>
/// Gets base images for <c>FROM</c>: from the local image store when it has the name (or the digest), else pulled
/// from the registry into it; then unpacked once into <c>&lt;root&gt;/rootfs/&lt;manifest hex&gt;</c>, shared by every
/// later build and process. Unpacking goes to a temporary directory renamed into place under a lock, so a crash
/// never leaves a half-unpacked tree under the real name.
/// </summary>
public sealed class BaseImageProvider(ImageStore images, RegistryClient registry)
{
    /// <summary>Where unpacked base images live.</summary>
    public string RootfsDirectory => Path.Combine(images.Content.Root, "rootfs");

    /// <summary>Returns the base image <paramref name="reference"/> for <paramref name="platform"/>, fetching and unpacking it if needed.</summary>
    /// <exception cref="RegistryException">It is not in the store and the registry cannot provide it.</exception>
    /// <exception cref="LayerFormatException">A layer is malformed or tries to write outside the tree.</exception>
    public async Task<BaseImage> GetAsync(ImageReference reference, Platform platform, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(platform);
        Descriptor manifestDescriptor = await FindLocalAsync(reference, platform, cancellationToken).ConfigureAwait(false)
            ?? await PullAsync(reference, platform, cancellationToken).ConfigureAwait(false);
        ImageManifest manifest = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(images.Content, manifestDescriptor.Digest));
        ImageConfig config = ImageConfigSerializer.Deserialize(ImageBlobs.ReadAll(images.Content, manifest.Config.Digest));
        string rootfs = await UnpackAsync(manifestDescriptor.Digest, manifest, config, cancellationToken).ConfigureAwait(false);
        return new BaseImage(reference, manifestDescriptor, manifest, config, rootfs);
    }

    private async Task<Descriptor?> FindLocalAsync(ImageReference reference, Platform platform, CancellationToken cancellationToken)
    {
        Descriptor? target = (await images.FindAsync(reference, cancellationToken).ConfigureAwait(false))?.Target;
        if (target is null && reference.Digest is { } digest && images.Content.Contains(digest))
            target = new Descriptor(ManifestSerializer.DetectMediaType(ImageBlobs.ReadAll(images.Content, digest)), digest, images.Content.GetInfo(digest).Size);
        if (target is null || !ManifestSerializer.IsIndex(target.MediaType)) return target;
        ImageIndex index = ManifestSerializer.DeserializeIndex(ImageBlobs.ReadAll(images.Content, target.Digest));
        Descriptor? chosen = index.Select(platform);
        return chosen is not null && images.Content.Contains(chosen.Digest) ? chosen : null;
    }

    private async Task<Descriptor> PullAsync(ImageReference reference, Platform platform, CancellationToken cancellationToken)
    {
        Descriptor manifest = await registry.PullAsync(reference, platform, images.Content, cancellationToken).ConfigureAwait(false);
        await images.SetAsync(reference, manifest, cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    private async Task<string> UnpackAsync(Digest manifest, ImageManifest layers, ImageConfig config, CancellationToken cancellationToken)
    {
        string final = Path.Combine(RootfsDirectory, manifest.Encoded);
        if (Directory.Exists(final)) return final;
        Directory.CreateDirectory(RootfsDirectory);
        using FileLock gate = await FileLock.AcquireAsync(final + ".lock", exclusive: true, cancellationToken).ConfigureAwait(false);
        if (Directory.Exists(final)) return final;
        string temporary = $"{final}.{Environment.ProcessId}.tmp";
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        try
        {
            Directory.CreateDirectory(temporary);
            for (int i = 0; i < layers.Layers.Length; i++)
            {
                Digest? diffId = i < config.RootFs.DiffIds.Length ? config.RootFs.DiffIds[i] : null;
                await using Stream blob = images.Content.OpenRead(layers.Layers[i].Digest);
                await LayerApplier.ApplyAsync(blob, temporary, diffId, cancellationToken).ConfigureAwait(false);
            }
            Directory.Move(temporary, final);
        }
        finally
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        }
        return final;
    }
}
