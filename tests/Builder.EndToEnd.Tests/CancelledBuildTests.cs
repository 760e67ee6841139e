using System.Diagnostics;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>Ctrl-C during a RUN: the real imgbuild process, interrupted with SIGINT, leaves no container, mount or work files.</summary>
public sealed class CancelledBuildTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-cancel-e2e-").FullName;

    [Fact]
    public async Task Build_InterruptedDuringRun_StopsAndLeavesNothingBehind()
    {
        RequiredTool.RequireRoot();
        RequiredTool.RequireInterruptible();
        string context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;
        File.WriteAllText(Path.Combine(context, "Dockerfile"), $"FROM {_registry.SeedBusybox("library/busybox")}\nRUN echo started && sleep 600\n");
        string store = Path.Combine(_root, "store");
        (Process startedProcess, Task started) = ProcessRunner.StartWatching("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "imgbuild.dll"), "--root", store, "-t", "cancelled:1", context], " started");
        using Process process = startedProcess;
        // A liveness bound, not a speed check: on a loaded 2-core CI machine a cold start can take a minute.
        await started.WaitAsync(TimeSpan.FromSeconds(240));

        ProcessRunner.Interrupt(process.Id);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, process.ExitCode);
        string runc = ProcessRunner.Run(RequiredTool.Find("runc", "runc"), ["--root", Path.Combine(store, "runc"), "list", "--quiet"]);
        Assert.Equal("", runc.Trim());
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), line => line.Contains(store, StringComparison.Ordinal));
        string work = Path.Combine(store, "work");
        Assert.Empty(Directory.Exists(work) ? Directory.GetFileSystemEntries(work) : []);
    }


    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
