using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Builder.Oci;

namespace Builder.Cache.Content;

/// <summary>
/// Remembers which compressed blob was made from an uncompressed layer, per diffID, compression and level, so a
/// second push or export reuses the blob instead of compressing the layer again. One file per entry under
/// <see cref="StoreLayout.CompressedLayers"/> (<c>&lt;diffID hex&gt;.&lt;compression&gt;</c>, holding
/// <c>sha256:&lt;hex&gt; &lt;size&gt;</c>), written to a temporary name and renamed, so a reader sees a whole entry or none.
/// </summary>
/// <remarks>
/// An entry is only a hint: it counts only while its blob is in the store. The garbage collector keeps the blobs
/// remembered for reachable layers, and deletes entries whose blob is gone.
/// </remarks>
public sealed class CompressedLayerMemo(ContentStore content)
{
    private string Directory => content.Layout.CompressedLayers;

    /// <summary>The blob remembered for <paramref name="diffId"/> compressed as <paramref name="compression"/> (<c>gzip-6</c>), if it is still stored.</summary>
    public bool TryGet(Digest diffId, string compression, [NotNullWhen(true)] out CompressedLayerEntry? entry)
    {
        entry = null;
        string path = PathOf(diffId, compression);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
        if (!TryParse(diffId, compression, text, out CompressedLayerEntry? parsed)) return false;
        if (!content.TryGetInfo(parsed.Blob, out BlobInfo? blob) || blob.Size != parsed.Size) return false;
        entry = parsed;
        return true;
    }

    /// <summary>Remembers that <paramref name="blob"/> is <paramref name="diffId"/> compressed as <paramref name="compression"/>.</summary>
    public async Task SetAsync(Digest diffId, string compression, Digest blob, long size, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string path = PathOf(diffId, compression);
        string temporary = $"{path}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp";
        try
        {
            await File.WriteAllTextAsync(temporary, $"{blob} {size.ToString(CultureInfo.InvariantCulture)}\n", cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Every readable entry, whether or not its blob is still stored.</summary>
    public IEnumerable<CompressedLayerEntry> List()
    {
        if (!System.IO.Directory.Exists(Directory)) yield break;
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory))
        {
            string name = Path.GetFileName(path);
            if (name.EndsWith(".tmp", StringComparison.Ordinal)) continue;   // an entry being written
            int dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot != 64 || !Digest.TryParse($"{Digest.Sha256}:{name[..dot]}", out Digest diffId)) continue;
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (FileNotFoundException)
            {
                continue;
            }
            if (TryParse(diffId, name[(dot + 1)..], text, out CompressedLayerEntry? entry)) yield return entry;
        }
    }

    /// <summary>Forgets <paramref name="entry"/>.</summary>
    public void Remove(CompressedLayerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        File.Delete(PathOf(entry.DiffId, entry.Compression));
    }

    private string PathOf(Digest diffId, string compression)
    {
        if (compression.Length == 0 || !compression.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            throw new ArgumentException($"'{compression}' is not a compression name such as gzip-6", nameof(compression));
        return Path.Combine(Directory, $"{diffId.Encoded}.{compression}");
    }

    private static bool TryParse(Digest diffId, string compression, string text, [NotNullWhen(true)] out CompressedLayerEntry? entry)
    {
        entry = null;
        string[] fields = text.Trim().Split(' ');
        if (fields.Length != 2 || !Digest.TryParse(fields[0], out Digest blob)
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size))
            return false;
        entry = new CompressedLayerEntry(diffId, compression, blob, size);
        return true;
    }
}
