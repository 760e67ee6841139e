using Builder.Cache.Layers;

namespace Builder.Cache.Tests.Layers;

/// <summary>The entries of an uncompressed tar, read with the library's own reader.</summary>
internal static class TarListing
{
    public static async Task<List<TarEntry>> ReadAsync(byte[] tar)
    {
        var reader = new TarEntryReader(new MemoryStream(tar));
        var entries = new List<TarEntry>();
        while (await reader.ReadNextAsync(CancellationToken.None) is { } entry)
            entries.Add(entry);
        return entries;
    }

    public static byte[] Build(params TarEntry[] entries)
    {
        var output = new MemoryStream();
        foreach (TarEntry entry in entries)
        {
            output.Write(TarHeaderWriter.Encode(entry));
            if (entry.Type == TarEntryType.RegularFile && entry.Size > 0)
            {
                output.Write(new byte[entry.Size].Select(_ => (byte)'x').ToArray());
                output.Write(new byte[TarHeaderWriter.Pad((int)entry.Size) - entry.Size]);
            }
        }
        output.Write(new byte[1024]);
        return output.ToArray();
    }
}
