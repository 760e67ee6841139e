using System.Buffers;
using Builder.Cache.Layers;
using MessagePack;

namespace Builder.Solver.Caching;

/// <summary>
/// File content hashes remembered by file identity (device, inode, size, modification time), kept in the store
/// between builds (MessagePack), so an unchanged context file is not read again to compute a cache key. A file
/// modified within <see cref="RacyWindow"/> of the lookup is hashed but not remembered: a later write in the same
/// clock tick would not change its time.
/// </summary>
public sealed class StatCache
{
    /// <summary>How recent a modification must be for the file's hash not to be trusted later.</summary>
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    private const int MaxEntries = 500_000;
    private readonly Dictionary<(ulong Device, ulong Inode), (long Size, long Modified, UInt128 Hash)> _entries = [];
    private readonly object _gate = new();
    private readonly string? _file;
    private bool _changed;

    private StatCache(string? file) => _file = file;

    /// <summary>A cache that is never saved (tests, and builds without a store).</summary>
    public static StatCache InMemory() => new(null);

    /// <summary>The cache saved at <paramref name="file"/>, or an empty one if it is missing or unreadable.</summary>
    public static StatCache Load(string file)
    {
        var cache = new StatCache(file);
        try
        {
            byte[] bytes = File.ReadAllBytes(file);
            var reader = new MessagePackReader(bytes);
            int count = reader.ReadArrayHeader();
            for (int i = 0; i < count; i++)
            {
                if (reader.ReadArrayHeader() != 6) throw new MessagePackSerializationException("a stat cache entry has the wrong length");
                ulong device = reader.ReadUInt64(), inode = reader.ReadUInt64();
                long size = reader.ReadInt64(), modified = reader.ReadInt64();
                ulong high = reader.ReadUInt64(), low = reader.ReadUInt64();
                cache._entries[(device, inode)] = (size, modified, new UInt128(high, low));
            }
        }
        catch (Exception e) when (e is IOException or MessagePackSerializationException or EndOfStreamException)
        {
            cache._entries.Clear(); // missing or damaged: start again, files are hashed
        }
        return cache;
    }

    /// <summary>The hash of the file at <paramref name="path"/> with identity <paramref name="identity"/>, computed by <paramref name="hash"/> when not remembered.</summary>
    public UInt128 GetOrAdd(FileIdentity identity, string path, Func<string, UInt128> hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        lock (_gate)
        {
            if (_entries.TryGetValue((identity.Device, identity.Inode), out var known) && known.Size == identity.Size && known.Modified == identity.ModifiedNanoseconds)
                return known.Hash;
        }
        UInt128 value = hash(path);
        long racy = (DateTimeOffset.UtcNow - RacyWindow).ToUnixTimeMilliseconds() * 1_000_000;
        if (identity.ModifiedNanoseconds < racy)
        {
            lock (_gate)
            {
                if (_entries.Count >= MaxEntries) _entries.Clear();
                _entries[(identity.Device, identity.Inode)] = (identity.Size, identity.ModifiedNanoseconds, value);
                _changed = true;
            }
        }
        return value;
    }

    /// <summary>Writes the cache back (atomically) if it learnt anything.</summary>
    public void Save()
    {
        if (_file is null) return;
        byte[] bytes;
        lock (_gate)
        {
            if (!_changed) return;
            var buffer = new ArrayBufferWriter<byte>();
            var writer = new MessagePackWriter(buffer);
            writer.WriteArrayHeader(_entries.Count);
            foreach (((ulong device, ulong inode), (long size, long modified, UInt128 hash)) in _entries)
            {
                writer.WriteArrayHeader(6);
                writer.Write(device);
                writer.Write(inode);
                writer.Write(size);
                writer.Write(modified);
                writer.Write((ulong)(hash >> 64));
                writer.Write((ulong)hash);
            }
            writer.Flush();
            bytes = buffer.WrittenSpan.ToArray();
            _changed = false;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        string temporary = $"{_file}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, _file, overwrite: true);
    }
}
