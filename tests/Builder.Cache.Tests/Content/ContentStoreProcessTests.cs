using System.Diagnostics;
using System.Security.Cryptography;
using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.Tests.Content;

/// <summary>Several real processes sharing one store, through the Builder.Cache.StoreProcess helper.</summary>
public sealed class ContentStoreProcessTests : IDisposable
{
    private readonly TemporaryStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task WriteAsync_TwoProcessesWriteSameBigBlobAtOnce_BothSucceedAndBlobIsIntact()
    {
        (string file, Digest digest) = CreateSource(48 << 20);
        using Process first = StartWriter(file, digest);
        using Process second = StartWriter(file, digest);

        // Both are now halfway through their own copy of the same blob.
        Assert.Equal("half", await first.StandardOutput.ReadLineAsync());
        Assert.Equal("half", await second.StandardOutput.ReadLineAsync());
        Assert.Equal(2, _store.IngestFiles().Length);
        await first.StandardInput.WriteLineAsync();
        await second.StandardInput.WriteLineAsync();

        await AssertSucceedsAsync(first);
        await AssertSucceedsAsync(second);
        await using (Stream blob = _store.Content.OpenRead(digest))
            Assert.Equal(digest.Encoded, Convert.ToHexStringLower(await SHA256.HashDataAsync(blob)));
        Assert.Single(_store.BlobFiles());
        Assert.Empty(_store.IngestFiles());
    }

    [Fact]
    public async Task WriteAsync_ProcessKilledMidWrite_LeavesNoBlobUnderItsName()
    {
        (string file, Digest digest) = CreateSource(8 << 20);
        using Process writer = StartWriter(file, digest);
        Assert.Equal("half", await writer.StandardOutput.ReadLineAsync());

        writer.Kill();
        await writer.WaitForExitAsync();

        Assert.False(_store.Content.Contains(digest));
        Assert.Empty(_store.Content.Enumerate());
        Assert.Single(_store.IngestFiles());   // the crash's leftover, for the collector to remove once stale
    }

    private (string File, Digest Digest) CreateSource(int size)
    {
        byte[] content = RandomNumberGenerator.GetBytes(size);
        string file = Path.Combine(_store.Root, "source.bin");
        File.WriteAllBytes(file, content);
        return (file, Digest.Sha256Of(content));
    }

    private Process StartWriter(string file, Digest digest)
    {
        string helper = Path.Combine(AppContext.BaseDirectory, "Builder.Cache.StoreProcess.dll");
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { helper, "write", _store.Root, file, digest.ToString() })
            start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the store helper process");
    }

    private static async Task AssertSucceedsAsync(Process process)
    {
        string output = await process.StandardOutput.ReadToEndAsync();
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"helper exited with {process.ExitCode}: {error}");
        Assert.Equal("done", output.Trim());
    }

    // The test host runs under the dotnet muxer, which exports its own path to child processes.
    internal static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
