using Builder.Cache.Content;
using Builder.Cache.Distribution;
using Builder.Cache.Export;
using Builder.Cache.Images;
using Builder.Cache.Layers;
using Builder.Oci;

namespace Builder.Solver.Sources;

/// <summary>
/// Gets base images for <c>FROM</c>: from the local image store when it has the name (or the digest), else pulled
/// from the registry into it; then unpacked once into <c>&lt;root&gt;/rootfs/&lt;manifest hex&gt;</c>, shared by every
/// later build and process. Unpacking goes to a temporary directory renamed into place under a lock, so a crash
/// never leaves a half-unpacked tree under the real name.
/// </summary>
public sealed class BaseImageProvider(ImageStore images, RegistryClient registry, BlobFetcher? fetcher = null)
{
    private readonly BlobFetcher _fetcher = fetcher ?? new BlobFetcher();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(ImageReference, Platform), Lazy<Task<BaseImage>>> _pulled = new();

    /// <summary>
    /// <c>--pull</c>: a name with a tag is resolved in its registry even when the store has it, as BuildKit's
    /// <c>ResolveModeForcePull</c>; once per build, so every <c>FROM</c> of one name sees the same image.
    /// </summary>
    public bool ForcePull { get; init; }

    public string RootfsDirectory => images.Content.Layout.Rootfs;

    /// <summary>The image, unpacked: <see cref="ResolveAsync"/> then <see cref="UnpackAsync"/>.</summary>
    public async Task<BaseImage> GetAsync(ImageReference reference, Platform platform, CancellationToken cancellationToken)
    {
        BaseImage image = await ResolveAsync(reference, platform, cancellationToken).ConfigureAwait(false);
        await UnpackAsync(image, cancellationToken).ConfigureAwait(false);
        return image;
    }

    /// <summary>
    /// The image's manifest and config, from the store or (manifest and config only) from its registry; its layers
    /// are registered with the <see cref="BlobFetcher"/> and fetched only by <see cref="UnpackAsync"/> or an export.
    /// <see cref="BaseImage.RootFilesystem"/> is where the unpacked tree will be.
    /// </summary>
    public async Task<BaseImage> ResolveAsync(ImageReference reference, Platform platform, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(platform);
        // A digest names one image: the store's copy is that image, pulled or not.
        if (ForcePull && reference.Digest is null)
            return await _pulled.GetOrAdd((reference, platform), key => new(() => ResolveManifestAsync(reference, platform, fromRegistry: true, cancellationToken))).Value
                .ConfigureAwait(false);
        return await ResolveManifestAsync(reference, platform, fromRegistry: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<BaseImage> ResolveManifestAsync(ImageReference reference, Platform platform, bool fromRegistry, CancellationToken cancellationToken)
    {
        Descriptor manifestDescriptor;
        if (!fromRegistry && await FindLocalAsync(reference, platform, cancellationToken).ConfigureAwait(false) is { } local)
        {
            manifestDescriptor = local;
        }
        else
        {
            (_, PulledManifest pulled) = await registry.ResolveAsync(reference, platform, cancellationToken).ConfigureAwait(false);
            manifestDescriptor = await images.Content.WriteAsync(new MemoryStream(pulled.Content, writable: false), pulled.Descriptor, cancellationToken).ConfigureAwait(false);
            ImageManifest remote = ManifestSerializer.DeserializeManifest(pulled.Content);
            if (!images.Content.Contains(remote.Config.Digest))
            {
                await using Stream configBlob = await registry.OpenConfigAsync(reference, remote.Config, cancellationToken).ConfigureAwait(false);
                await images.Content.WriteAsync(configBlob, remote.Config, cancellationToken).ConfigureAwait(false);
            }
            foreach (Descriptor layer in remote.Layers)
                _fetcher.Register(layer, token => registry.OpenBlobAsync(reference, layer, token));
        }
        ImageManifest manifest = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(images.Content, manifestDescriptor.Digest));
        ImageConfig config = ImageConfigSerializer.Deserialize(ImageBlobs.ReadAll(images.Content, manifest.Config.Digest));
        // Each layer is checked against its diff_id as it is unpacked: a config that lists more or fewer is broken
        // (containerd refuses it too: "mismatched image rootfs and manifest layers").
        if (config.RootFs.DiffIds.Length != manifest.Layers.Length)
            throw new InvalidDataException($"the image {reference} is broken: its manifest has {manifest.Layers.Length} layers but its config lists " +
                $"{config.RootFs.DiffIds.Length} diff_ids (mismatched image rootfs and manifest layers)");
        return new BaseImage(reference, manifestDescriptor, manifest, config, Path.Combine(RootfsDirectory, manifestDescriptor.Digest.Encoded));
    }

    /// <summary>Fetches the layers the store lacks, names the image in the store, and unpacks it once into <see cref="BaseImage.RootFilesystem"/>.</summary>
    public async Task UnpackAsync(BaseImage image, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (Directory.Exists(image.RootFilesystem)) return;
        foreach (Descriptor layer in image.Manifest.Layers)
            await _fetcher.EnsureAsync(images.Content, layer.Digest, cancellationToken).ConfigureAwait(false);
        // A reference by digest alone has no name to keep; the image of another platform than this machine's (a
        // cross build's base) is not named either, so the name keeps the image this machine runs.
        if (image.Reference.Tag is not null && IsFor(image.Config, Platform.Current))
            await images.SetAsync(image.Reference, image.ManifestDescriptor, cancellationToken).ConfigureAwait(false);
        await UnpackLayersAsync(image.ManifestDescriptor.Digest, image.Manifest, image.Config, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Descriptor?> FindLocalAsync(ImageReference reference, Platform platform, CancellationToken cancellationToken)
    {
        Descriptor? target = (await images.FindAsync(reference, cancellationToken).ConfigureAwait(false))?.Target;
        if (target is null && reference.Digest is { } digest && images.Content.Contains(digest))
            target = new Descriptor(ManifestSerializer.DetectMediaType(ImageBlobs.ReadAll(images.Content, digest)), digest, images.Content.GetInfo(digest).Size);
        if (target is null) return null;
        if (!ManifestSerializer.IsIndex(target.MediaType))
        {
            // The store names one platform's image: an image of another platform is looked up in the registry,
            // which may have an index with this platform's.
            ImageManifest manifest = ManifestSerializer.DeserializeManifest(ImageBlobs.ReadAll(images.Content, target.Digest));
            if (!images.Content.Contains(manifest.Config.Digest)) return target;
            ImageConfig config = ImageConfigSerializer.Deserialize(ImageBlobs.ReadAll(images.Content, manifest.Config.Digest));
            return IsFor(config, platform) ? target : null;
        }
        ImageIndex index = ManifestSerializer.DeserializeIndex(ImageBlobs.ReadAll(images.Content, target.Digest));
        Descriptor? chosen = index.Select(platform);
        return chosen is not null && images.Content.Contains(chosen.Digest) ? chosen : null;
    }

    // Whether an image's config says it is for the platform's OS and architecture; a config that says nothing
    // usable (synthetic images) is taken to be.
    private static bool IsFor(ImageConfig config, Platform platform)
    {
        if (config.OS.Length == 0 || config.Architecture.Length == 0) return true;
        try
        {
            Platform its = config.Platform;
            return its.OS == platform.OS && its.Architecture == platform.Architecture;
        }
        catch (FormatException)
        {
            return true;
        }
    }

    private async Task<string> UnpackLayersAsync(Digest manifest, ImageManifest layers, ImageConfig config, CancellationToken cancellationToken)
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
