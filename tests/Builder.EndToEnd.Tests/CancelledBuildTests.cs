using System.Diagnostics;
using System.Runtime.InteropServices;
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
        string context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;
        File.WriteAllText(Path.Combine(context, "Dockerfile"), $"FROM {_registry.SeedBusybox("library/busybox")}\nRUN echo started && sleep 600\n");
        string store = Path.Combine(_root, "store");
        string imgbuild = Path.Combine(AppContext.BaseDirectory, "imgbuild.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { imgbuild, "--root", store, "-t", "cancelled:1", context }) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) => { if (e.Data?.EndsWith(" started", StringComparison.Ordinal) == true) started.TrySetResult(); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, kill(process.Id, 2 /* SIGINT */));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.NotEqual(0, process.ExitCode);
        string runc = ProcessRunner.Run(RequiredTool.Find("runc", "runc"), ["--root", Path.Combine(store, "runc"), "list", "--quiet"]);
        Assert.Equal("", runc.Trim());
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), line => line.Contains(store, StringComparison.Ordinal));
        string work = Path.Combine(store, "work");
        Assert.Empty(Directory.Exists(work) ? Directory.GetFileSystemEntries(work) : []);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
