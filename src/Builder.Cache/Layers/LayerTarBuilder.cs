using System.Buffers;
using Builder.Filesystem;

namespace Builder.Cache.Layers;

/// <summary>
/// Turns <see cref="LayerChange"/>s into tar entries on a stream, deterministically: mtimes in whole seconds,
/// clamped to SOURCE_DATE_EPOCH when given; numeric owners only; no atime or ctime; the second and later paths of
/// one inode become hard-link entries to the first; sockets are left out (containerd ignores them too).
/// </summary>
internal sealed class LayerTarBuilder(Stream output, long? sourceDateEpoch)
{
    private const int CopyBufferSize = 1 << 20;
    private static readonly byte[] Zeros = new byte[TarHeaderWriter.BlockSize * 2];
    private readonly Dictionary<(uint Major, uint Minor, ulong Inode), string> _firstPathOfInode = [];

    public async Task WriteAsync(LayerChange change, CancellationToken cancellationToken)
    {
        switch (change)
        {
            case LayerChange.Deleted deleted:
                await WriteMarkerAsync(WhiteoutName(deleted.Path), cancellationToken).ConfigureAwait(false);
                break;
            case LayerChange.Opaque opaque:
                await WriteMarkerAsync(opaque.Path + "/" + Whiteout.OpaqueMarker, cancellationToken).ConfigureAwait(false);
                break;
            case LayerChange.Added added:
                await WriteAddedAsync(added, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The end-of-archive marker: two zero blocks, as Go's tar.Writer.Close writes (no record padding).</summary>
    public async Task FinishAsync(CancellationToken cancellationToken) =>
        await output.WriteAsync(Zeros, cancellationToken).ConfigureAwait(false);

    private static string WhiteoutName(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? Whiteout.Prefix + path : path[..(slash + 1)] + Whiteout.Prefix + path[(slash + 1)..];
    }

    /// <summary>
    /// A whiteout as containerd writes it: an empty regular file, mode 0, owned by 0:0. Its mtime is
    /// SOURCE_DATE_EPOCH or the Unix epoch (containerd uses the current time by default, which is not reproducible).
    /// </summary>
    private async Task WriteMarkerAsync(string name, CancellationToken cancellationToken)
    {
        var entry = new TarEntry(name, TarEntryType.RegularFile) { MTimeSeconds = sourceDateEpoch ?? 0 };
        await output.WriteAsync(TarHeaderWriter.Encode(entry), cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteAddedAsync(LayerChange.Added added, CancellationToken cancellationToken)
    {
        FileStatus status = added.Status;
        TarEntryType type;
        string name = added.Path, linkName = "";
        long size = 0;
        switch (status.Type)
        {
            case FileStatus.TypeDirectory:
                type = TarEntryType.Directory;
                name += "/";
                break;
            case FileStatus.TypeRegular:
                type = TarEntryType.RegularFile;
                size = status.Size;
                if (status.Links > 1)
                {
                    var key = (status.DeviceMajor, status.DeviceMinor, status.Inode);
                    if (_firstPathOfInode.TryGetValue(key, out string? first))
                    {
                        type = TarEntryType.HardLink;
                        linkName = first;
                        size = 0;
                    }
                    else
                    {
                        _firstPathOfInode[key] = added.Path;
                    }
                }
                break;
            case FileStatus.TypeSymlink:
                type = TarEntryType.SymbolicLink;
                linkName = new FileInfo(added.FullPath).LinkTarget
                    ?? throw new IOException($"cannot read the target of symlink '{added.FullPath}'");
                break;
            case FileStatus.TypeCharacter:
                type = TarEntryType.CharacterDevice;
                break;
            case FileStatus.TypeBlock:
                type = TarEntryType.BlockDevice;
                break;
            case FileStatus.TypeFifo:
                type = TarEntryType.Fifo;
                break;
            default:
                return; // a socket: not representable in a layer
        }
        bool device = type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice;
        long mtime = status.MTimeSeconds; // whole seconds, as containerd truncates
        if (sourceDateEpoch is long epoch && mtime > epoch)
            mtime = epoch;
        var entry = new TarEntry(name, type)
        {
            Mode = status.Permissions,
            Uid = status.Uid,
            Gid = status.Gid,
            Size = size,
            MTimeSeconds = mtime,
            LinkName = linkName,
            DeviceMajor = device ? status.RDevMajor : 0,
            DeviceMinor = device ? status.RDevMinor : 0,
            Xattrs = added.Xattrs,
        };
        await output.WriteAsync(TarHeaderWriter.Encode(entry), cancellationToken).ConfigureAwait(false);
        if (size > 0)
            await WriteContentAsync(added.FullPath, size, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteContentAsync(string path, long size, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        // open, read and close only: File.OpenHandle adds an fstat and an fadvise per file, and a layer of 2,000 small
        // files (the edit-rebuild COPY) paid for them in system calls, not in reading.
        int file = RegularFileCopy.OpenForReading(path);
        try
        {
            long offset = 0;
            while (offset < size)
            {
                int wanted = (int)Math.Min(CopyBufferSize, size - offset);
                // A synchronous read: a regular file is never slow to become readable, and the async form costs a
                // thread-pool hop per call that shows on a tree of small files (scripts/bench-layers.sh).
                cancellationToken.ThrowIfCancellationRequested();
                int read = RegularFileCopy.Read(file, buffer.AsSpan(0, wanted), path);
                if (read == 0)
                    throw new IOException($"'{path}' shrank from {size} bytes while the layer was written; do not change a snapshot being committed");
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                offset += read;
            }
            int padding = (int)((TarHeaderWriter.BlockSize - size % TarHeaderWriter.BlockSize) % TarHeaderWriter.BlockSize);
            if (padding > 0)
                await output.WriteAsync(Zeros.AsMemory(0, padding), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            RegularFileCopy.Close(file);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
