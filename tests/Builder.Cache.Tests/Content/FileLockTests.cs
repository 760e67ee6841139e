using Builder.Cache.Content;

namespace Builder.Cache.Tests.Content;

public sealed class FileLockTests : IDisposable
{
    private readonly TemporaryStore _store = new();

    private string LockPath => Path.Combine(_store.Root, "test.lock");

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task AcquireAsync_ExclusiveHeld_SharedWaitsUntilReleased()
    {
        FileLock exclusive = await FileLock.AcquireAsync(LockPath, exclusive: true, CancellationToken.None);
        Task<FileLock> shared = FileLock.AcquireAsync(LockPath, exclusive: false, CancellationToken.None);

        Assert.False(shared.IsCompleted);
        exclusive.Dispose();
        (await shared).Dispose();
    }

    [Fact]
    public async Task AcquireAsync_SharedHeld_AnotherSharedIsGrantedAndExclusiveWaits()
    {
        using FileLock first = await FileLock.AcquireAsync(LockPath, exclusive: false, CancellationToken.None);
        using FileLock second = await FileLock.AcquireAsync(LockPath, exclusive: false, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        Task<FileLock> exclusive = FileLock.AcquireAsync(LockPath, exclusive: true, cancellation.Token);

        Assert.False(exclusive.IsCompleted);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => exclusive);
    }
}
