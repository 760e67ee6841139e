using System.Runtime.InteropServices;
using Builder.Filesystem.Native;

namespace Builder.Cache.Content;

/// <summary>
/// An advisory <c>flock(2)</c> lock on a file, shared or exclusive, held until disposed. flock locks belong to the
/// open file description, so two handles in one process exclude each other just as two processes do. The file is
/// opened with libc's <c>open</c> rather than <see cref="FileStream"/>, because .NET takes a non-blocking flock of
/// its own on every <see cref="FileStream"/> and would fail the open while another process holds the lock.
/// </summary>
public sealed class FileLock : IDisposable
{
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromMilliseconds(50);

    private int _descriptor;

    private FileLock(int descriptor) => _descriptor = descriptor;

    /// <summary>Waits until the lock on <paramref name="path"/> (created if missing) is held.</summary>
    public static async Task<FileLock> AcquireAsync(string path, bool exclusive, CancellationToken cancellationToken)
    {
        int descriptor = LibC.Open(path, LibC.O_RDWR | LibC.O_CREAT | LibC.O_CLOEXEC, 420 /* 0644 */);
        if (descriptor < 0)
            throw new IOException($"cannot open lock file '{path}': {Marshal.GetLastPInvokeErrorMessage()}");
        try
        {
            // Polling with LOCK_NB keeps the wait cancellable and off blocked thread-pool threads.
            TimeSpan interval = TimeSpan.FromMilliseconds(1);
            while (LibC.Flock(descriptor, (exclusive ? LibC.LOCK_EX : LibC.LOCK_SH) | LibC.LOCK_NB) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EINTR) continue;
                if (errno != LibC.EWOULDBLOCK)
                    throw new IOException($"cannot lock '{path}': {Marshal.GetPInvokeErrorMessage(errno)}");
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxPollInterval.Ticks));
            }
            return new FileLock(descriptor);
        }
        catch
        {
            _ = LibC.Close(descriptor);
            throw;
        }
    }

    /// <summary>Takes the lock on <paramref name="path"/> if it is free now; null if another process holds it.</summary>
    public static FileLock? TryAcquire(string path, bool exclusive)
    {
        int descriptor = LibC.Open(path, LibC.O_RDWR | LibC.O_CREAT | LibC.O_CLOEXEC, 420 /* 0644 */);
        if (descriptor < 0)
            throw new IOException($"cannot open lock file '{path}': {Marshal.GetLastPInvokeErrorMessage()}");
        while (LibC.Flock(descriptor, (exclusive ? LibC.LOCK_EX : LibC.LOCK_SH) | LibC.LOCK_NB) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == LibC.EINTR) continue;
            _ = LibC.Close(descriptor);
            if (errno == LibC.EWOULDBLOCK) return null;
            throw new IOException($"cannot lock '{path}': {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        return new FileLock(descriptor);
    }

    /// <summary>Releases the lock (closing the descriptor releases the flock).</summary>
    public void Dispose()
    {
        int descriptor = Interlocked.Exchange(ref _descriptor, -1);
        if (descriptor >= 0) _ = LibC.Close(descriptor);
    }
}
