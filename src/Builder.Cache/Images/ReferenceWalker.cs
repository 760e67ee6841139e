using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Images;

/// <summary>
/// Finds every blob reachable from a manifest or index: child manifests, configs and layers (image-spec
/// image-index.md and manifest.md). A blob named without a media type (a root) is read to learn whether it is a manifest.
/// </summary>
internal sealed class ReferenceWalker(ContentStore content)
{
    // Manifests are small; a root larger than this is a leaf (a layer, a cache record), never parsed.
    private const long MaxSniffedSize = 4 << 20;

    /// <summary>Adds <paramref name="digest"/> and everything it references to <paramref name="reachable"/>.</summary>
    /// <exception cref="InvalidDataException">A blob declared as a manifest or index cannot be parsed.</exception>
    public async Task MarkAsync(Digest digest, string? mediaType, ISet<Digest> reachable, CancellationToken cancellationToken)
    {
        var pending = new Stack<(Digest Digest, string? MediaType)>();
        pending.Push((digest, mediaType));
        while (pending.TryPop(out var next))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!reachable.Add(next.Digest) || !content.TryGetInfo(next.Digest, out BlobInfo? blob))
                continue;
            string? type = next.MediaType;
            bool declared = type is not null;
            byte[]? bytes = null;
            if (type is null)
            {
                if (blob.Size > MaxSniffedSize) continue;
                bytes = await content.ReadAllBytesAsync(next.Digest, cancellationToken).ConfigureAwait(false);
                if (bytes.AsSpan().TrimStart(" \t\r\n"u8) is not [(byte)'{', ..]) continue;
                try
                {
                    type = ManifestSerializer.DetectMediaType(bytes);
                }
                catch (FormatException)
                {
                    continue;   // JSON that is not an object, or not JSON: a leaf
                }
            }
            bool isIndex = ManifestSerializer.IsIndex(type);
            if (!isIndex && type is not (MediaTypes.OciManifest or MediaTypes.DockerManifest))
                continue;
            bytes ??= await content.ReadAllBytesAsync(next.Digest, cancellationToken).ConfigureAwait(false);
            try
            {
                if (isIndex)
                {
                    foreach (Descriptor child in ManifestSerializer.DeserializeIndex(bytes).Manifests)
                        pending.Push((child.Digest, child.MediaType));
                }
                else
                {
                    ImageManifest manifest = ManifestSerializer.DeserializeManifest(bytes);
                    pending.Push((manifest.Config.Digest, manifest.Config.MediaType));
                    foreach (Descriptor layer in manifest.Layers)
                        pending.Push((layer.Digest, layer.MediaType));
                }
            }
            catch (FormatException e) when (declared)
            {
                // Guessing would let a sweep delete the layers of an image whose manifest we merely failed to read.
                throw new InvalidDataException($"{type} {next.Digest} in {content.Root} cannot be read: {e.Message}", e);
            }
            catch (FormatException)
            {
                // An undeclared blob that only looked like a manifest: a leaf.
            }
        }
    }
}
