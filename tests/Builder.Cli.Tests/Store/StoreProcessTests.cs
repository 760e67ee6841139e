using System.Diagnostics;
using Builder.Oci;

namespace Builder.Cli.Tests.Store;

/// <summary>The <c>imgbuild</c> program itself, run as separate processes sharing one store.</summary>
public sealed class StoreProcessTests : IDisposable
{
    private readonly SeededStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Tag_ManyProcessesAtOnce_KeepsEveryName()
    {
        await _store.AddImageAsync("app:1", 10);

        Process[] processes = Enumerable.Range(0, 6).Select(i => Start(["--root", _store.Root, "tag", "app:1", $"app:copy{i}"])).ToArray();
        foreach (Process process in processes)
        {
            using (process)
                Assert.Equal(0, await ExitCodeAsync(process));
        }

        Assert.Equal(7, (await _store.Images.ListAsync()).Length);
    }

    [Fact]
    public async Task Images_RootFromEnvironment_ListsThatStore()
    {
        Descriptor manifest = await _store.AddImageAsync("app:1", 10);

        using Process process = Start(["images"], ("IMGBUILD_ROOT", _store.Root));
        string output = await process.StandardOutput.ReadToEndAsync();

        Assert.Equal(0, await ExitCodeAsync(process));
        Assert.Contains(manifest.Digest.Encoded[..12], output);
    }

    private static Process Start(string[] args, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "imgbuild.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach ((string name, string value) in environment) start.Environment[name] = value;
        return Process.Start(start) ?? throw new InvalidOperationException("could not start imgbuild");
    }

    private static async Task<int> ExitCodeAsync(Process process)
    {
        string error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);
        return process.ExitCode;
    }
}
