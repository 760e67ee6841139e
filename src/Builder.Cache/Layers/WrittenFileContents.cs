namespace Builder.Cache.Layers;

/// <summary>
/// The bytes of regular files a step has just written into its snapshot, kept in memory up to a budget, so that its
/// layer is written from them instead of by opening and reading each file back (a COPY of 2,000 small files spent a
/// third of its time there). Files are keyed by their path in the layer ('/'-separated, relative to the root
/// filesystem) and taken only while the file in the snapshot still has the size and modification time they were
/// written with; anything else is read from the snapshot as before.
/// </summary>
/// <remarks>Not thread-safe: one step fills it, then its commit reads it.</remarks>
/// <param name="budget">At most this many bytes are kept; later files are read back from the snapshot.</param>
public sealed class WrittenFileContents(long budget = WrittenFileContents.DefaultBudget)
{
    /// <summary>The budget a step gets unless told otherwise: 64 MiB.</summary>
    public const long DefaultBudget = 64L << 20;

    // Files are packed into chunks of this size; a larger file is not kept.
    private const int ChunkSize = 4 << 20;

    private readonly Dictionary<string, (ReadOnlyMemory<byte> Content, long ModifiedNanoseconds)> _files = new(StringComparer.Ordinal);
    private byte[]? _chunk;
    private int _used;
    private long _allocated;

    /// <summary>
    /// Room for a file of <paramref name="length"/> bytes and one more (so that a file that grew does not fit), or an
    /// empty buffer when the file is larger than a chunk or the budget is spent. Only <see cref="Add"/> keeps it.
    /// </summary>
    public Memory<byte> Reserve(long length)
    {
        long wanted = length + 1;
        if (wanted > ChunkSize) return Memory<byte>.Empty;
        if (_chunk is null || ChunkSize - _used < wanted)
        {
            if (_allocated + ChunkSize > budget) return Memory<byte>.Empty;
            _chunk = new byte[ChunkSize];
            _used = 0;
            _allocated += ChunkSize;
        }
        return _chunk.AsMemory(_used, (int)wanted);
    }

    /// <summary>
    /// Keeps the first <paramref name="length"/> bytes of <paramref name="reserved"/> (the last <see cref="Reserve"/>)
    /// as the content of <paramref name="path"/>, written with the modification time <paramref name="modifiedNanoseconds"/>.
    /// </summary>
    public void Add(string path, Memory<byte> reserved, int length, long modifiedNanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, reserved.Length);
        _files[path] = (reserved[..length], modifiedNanoseconds);
        if (_chunk is not null && System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(reserved, out ArraySegment<byte> segment)
            && ReferenceEquals(segment.Array, _chunk) && segment.Offset == _used)
            _used += length;
    }

    /// <summary>Forgets <paramref name="path"/>: the step removed or replaced it by other means.</summary>
    public void Remove(string path) => _files.Remove(path);

    /// <summary>Forgets every file: the step wrote files it does not name one by one (an archive unpacked).</summary>
    public void Clear() => _files.Clear();

    /// <summary>The kept content of <paramref name="path"/>, if the file in the snapshot, as <paramref name="status"/> describes it, is still the one written.</summary>
    internal bool TryGet(string path, FileStatus status, out ReadOnlyMemory<byte> content)
    {
        content = default;
        if (!status.IsRegular || !_files.TryGetValue(path, out (ReadOnlyMemory<byte> Content, long ModifiedNanoseconds) file)
            || file.Content.Length != status.Size
            || file.ModifiedNanoseconds != status.MTimeSeconds * 1_000_000_000 + status.MTimeNanoseconds)
            return false;
        content = file.Content;
        return true;
    }
}
