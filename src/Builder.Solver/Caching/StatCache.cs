using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using Builder.Cache.Layers;

namespace Builder.Solver.Caching;

/// <summary>
/// File content hashes remembered by file identity (device, inode, size, modification and change times), kept in the
/// store between builds, so an unchanged context file is not read again to compute a cache key. The change time
/// (ctime) is what makes the identity safe: a context made again with its files' mtimes kept (a checkout, <c>cp -p</c>,
/// a test fixture) can reuse freed inode numbers with the same size and mtime, and only the ctime tells the new file
/// from the old. A file modified within <see cref="RacyWindow"/> of the lookup is hashed but not remembered: a later
/// write in the same clock tick would not change its times (a file whose mtime was set back is safe: any write
/// moves it forward again).
/// </summary>
/// <remarks>
/// One cache serves every context the store has built, so it holds tens of thousands of entries while a build
/// usually asks for a few. The file is therefore mapped, never parsed into a table: fixed 56-byte records sorted by
/// (device, inode), looked up by binary search, so a build touches the pages it searches and nothing else (a
/// MessagePack table of 22,000 entries took most of a no-op build's CPU time); entries learnt during the build are
/// merged in order when it saves.
/// </remarks>
public sealed class StatCache : IDisposable
{
    /// <summary>How recent a modification must be for the file's hash not to be trusted later.</summary>
    public static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    // "IBSTAT03": a file of another format (or a damaged one: IBSTAT02 had no ctime) is not read, and the cache starts empty.
    private static readonly byte[] Magic = "IBSTAT03"u8.ToArray();
    private const int RecordSize = 56; // device, inode, size, modified (ns), changed (ns), hash high, hash low: little-endian 64-bit
    private const int MaxEntries = 500_000;

    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _saved; // the file, its magic first
    private readonly int _savedCount;
    private readonly Dictionary<(ulong Device, ulong Inode), (long Size, long Modified, long Changed, UInt128 Hash)> _learnt = [];
    private readonly object _gate = new();
    private readonly string? _file;
    private bool _changed;

    private StatCache(string? file, MemoryMappedFile? map, MemoryMappedViewAccessor? saved, int savedCount)
    {
        _file = file;
        _map = map;
        _saved = saved;
        _savedCount = savedCount;
    }

    /// <summary>A cache that is never saved (tests, and builds without a store).</summary>
    public static StatCache InMemory() => new(null, null, null, 0);

    /// <summary>The cache saved at <paramref name="file"/>, or an empty one if it is missing, of another format or damaged.</summary>
    public static StatCache Load(string file)
    {
        MemoryMappedFile? map = null;
        try
        {
            long length = new FileInfo(file).Length;
            if (length < Magic.Length || (length - Magic.Length) % RecordSize != 0 || (length - Magic.Length) / RecordSize > MaxEntries)
                return new StatCache(file, null, null, 0);
            map = MemoryMappedFile.CreateFromFile(file, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            MemoryMappedViewAccessor view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            Span<byte> magic = stackalloc byte[Magic.Length];
            for (int i = 0; i < magic.Length; i++) magic[i] = view.ReadByte(i);
            if (magic.SequenceEqual(Magic)) return new StatCache(file, map, view, (int)((length - Magic.Length) / RecordSize));
            view.Dispose();
            map.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // missing or unreadable: start again, files are hashed
            map?.Dispose();
        }
        return new StatCache(file, null, null, 0);
    }

    /// <summary>The hash of the file at <paramref name="path"/> with identity <paramref name="identity"/>, computed by <paramref name="hash"/> when not remembered.</summary>
    public UInt128 GetOrAdd(FileIdentity identity, string path, Func<string, UInt128> hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        lock (_gate)
        {
            if (_learnt.TryGetValue((identity.Device, identity.Inode), out var known))
            {
                if ((known.Size, known.Modified, known.Changed) == (identity.Size, identity.ModifiedNanoseconds, identity.ChangedNanoseconds)) return known.Hash;
            }
            else if (FindSaved(identity.Device, identity.Inode) is int index)
            {
                if (Saved(index, 2) == (ulong)identity.Size && Saved(index, 3) == (ulong)identity.ModifiedNanoseconds
                    && Saved(index, 4) == (ulong)identity.ChangedNanoseconds)
                    return new UInt128(Saved(index, 5), Saved(index, 6));
            }
        }
        UInt128 value = hash(path);
        long racy = (DateTimeOffset.UtcNow - RacyWindow).ToUnixTimeMilliseconds() * 1_000_000;
        if (identity.ModifiedNanoseconds < racy)
        {
            lock (_gate)
            {
                _learnt[(identity.Device, identity.Inode)] = (identity.Size, identity.ModifiedNanoseconds, identity.ChangedNanoseconds, value);
                _changed = true;
            }
        }
        return value;
    }

    /// <summary>Writes the cache back (atomically) if it learnt anything: the saved records and the new ones, in order.</summary>
    public void Save()
    {
        if (_file is null) return;
        byte[] bytes;
        lock (_gate)
        {
            if (!_changed) return;
            var learnt = _learnt.OrderBy(entry => entry.Key).ToList();
            // A cache past its size starts again with what this build learnt (stale entries of deleted files pile up).
            int saved = _savedCount + learnt.Count > MaxEntries ? 0 : _savedCount;
            using var output = new MemoryStream(Magic.Length + (saved + learnt.Count) * RecordSize);
            output.Write(Magic);
            Span<byte> record = stackalloc byte[RecordSize];
            int s = 0, l = 0;
            while (s < saved || l < learnt.Count)
            {
                int order = s >= saved ? 1 : l >= learnt.Count ? -1
                    : (Saved(s, 0), Saved(s, 1)).CompareTo(learnt[l].Key);
                if (order < 0)
                {
                    for (int field = 0; field < RecordSize / 8; field++)
                        BinaryPrimitives.WriteUInt64LittleEndian(record[(field * 8)..], Saved(s, field));
                    output.Write(record);
                    s++;
                    continue;
                }
                if (order == 0) s++; // the new entry replaces the saved one
                ((ulong device, ulong inode), (long size, long modified, long changed, UInt128 hash)) = learnt[l++];
                BinaryPrimitives.WriteUInt64LittleEndian(record, device);
                BinaryPrimitives.WriteUInt64LittleEndian(record[8..], inode);
                BinaryPrimitives.WriteInt64LittleEndian(record[16..], size);
                BinaryPrimitives.WriteInt64LittleEndian(record[24..], modified);
                BinaryPrimitives.WriteInt64LittleEndian(record[32..], changed);
                BinaryPrimitives.WriteUInt64LittleEndian(record[40..], (ulong)(hash >> 64));
                BinaryPrimitives.WriteUInt64LittleEndian(record[48..], (ulong)hash);
                output.Write(record);
            }
            bytes = output.ToArray();
            _changed = false;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        string temporary = $"{_file}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, _file, overwrite: true);
    }

    /// <summary>Releases the mapped file (the cache is not saved by this).</summary>
    public void Dispose()
    {
        _saved?.Dispose();
        _map?.Dispose();
    }

    // The index of the saved record for (device, inode), by binary search over the sorted records.
    private int? FindSaved(ulong device, ulong inode)
    {
        int low = 0, high = _savedCount - 1;
        while (low <= high)
        {
            int middle = low + (high - low) / 2;
            int order = (Saved(middle, 0), Saved(middle, 1)).CompareTo((device, inode));
            if (order == 0) return middle;
            if (order < 0) low = middle + 1;
            else high = middle - 1;
        }
        return null;
    }

    // A field of a saved record; the file is little-endian, as are the machines imgbuild runs on (x64, arm64).
    private ulong Saved(int index, int field) => _saved!.ReadUInt64(Magic.Length + (long)index * RecordSize + field * 8);
}
