using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// The real imgbuild process killed during a RUN that holds a secret as a file and as an environment variable
/// (<c>kill -9</c>, so it cleans nothing), or hung up on (SIGHUP): its secrets never reach the disk, and the next build
/// or <c>prune</c> removes its runc container, mounts and work folder without touching a build that is still running.
/// </summary>
public sealed class KilledBuildTests : IDisposable
{
    private const string SecretVariable = "IMGBUILD_KILLED_BUILD_SECRET";
    // The RUN prints run2ning, which its own text (echoed in the progress) does not contain.
    private const string Running = "run2ning";
    private const string SecretRun =
        "RUN --mount=type=secret,id=token --mount=type=secret,id=token,env=TOKEN sh -c 'test -s /run/secrets/token && test -n \"$TOKEN\" && echo run$((1+1))ning && sleep 600'";

    private readonly DateTime _started = DateTime.UtcNow.AddSeconds(-1);
    // Only ever in this process's memory and the child's environment: never written to a file by the test.
    private readonly string _secret = "killed-build-secret-" + Guid.NewGuid().ToString("N");
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-killed-e2e-").FullName;
    private readonly string _store;
    private readonly string _baseImage;
    private readonly List<Process> _processes = [];

    public KilledBuildTests()
    {
        _store = Path.Combine(_root, "store");
        _baseImage = _registry.SeedBusybox("library/busybox");
    }

    [Fact]
    public async Task Build_AfterBuildKilledDuringSecretRun_RemovesItsContainerMountsAndFoldersAndNoSecretWasOnDisk()
    {
        RequiredTool.RequireRoot();
        Process killed = await StartAsync(Context("killed", SecretRun));
        Assert.Empty(FilesHoldingSecret(onDiskOnly: true)); // while it runs: the bundle tmpfs alone holds it

        killed.Kill();
        await killed.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEmpty(RuncStates()); // the container outlives the process that started it
        Assert.NotEmpty(StoreMounts());
        Assert.Empty(FilesHoldingSecret(onDiskOnly: true));
        (int status, string output, string error) = InProcessImgbuild.Run("--root", _store, Context("next", "RUN true"));

        Assert.True(status == 0, error);
        Assert.Contains("removed what killed builds left: 1 runc containers", output + error, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task Build_AfterAnotherBuildKilled_LeavesTheRunningBuildAlone()
    {
        RequiredTool.RequireRoot();
        // The live build's RUN waits for a file the test puts in its cache mount, so it is mid-RUN throughout.
        Process live = await StartAsync(Context("live",
            "RUN --mount=type=cache,id=gate,target=/gate sh -c 'echo run$((1+1))ning; while [ ! -e /gate/go ]; do sleep 0.1; done'"));
        Process killed = await StartAsync(Context("killed", SecretRun));
        killed.Kill();
        await killed.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2, RuncStates().Count);

        (int status, _, string error) = InProcessImgbuild.Run("--root", _store, Context("next", "RUN true"));

        Assert.True(status == 0, error);
        Assert.False(live.HasExited);
        Assert.Single(RuncStates());
        Assert.Single(Directory.GetDirectories(Path.Combine(_store, "work")));
        Assert.NotEmpty(StoreMounts());
        string gate = Path.Combine(_store, "cache-mounts", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("gate")))[..32]);
        File.WriteAllText(Path.Combine(gate, "go"), "");
        await live.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, live.ExitCode); // its container, snapshot and bundle were all still there
        AssertNothingLeft();
    }

    [Fact]
    public async Task Prune_AfterBuildKilledDuringSecretRun_RemovesItsContainerMountsAndFolders()
    {
        RequiredTool.RequireRoot();
        Process killed = await StartAsync(Context("killed", SecretRun));
        killed.Kill();
        await killed.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        (int status, string output, string error) = InProcessImgbuild.Run("--root", _store, "prune");

        Assert.True(status == 0, error);
        Assert.Contains("Deleted: 1 runc containers", output, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task Build_HungUpDuringSecretRun_StopsAndLeavesNothingBehind()
    {
        RequiredTool.RequireRoot();
        Process build = await StartAsync(Context("hungup", SecretRun));

        ProcessRunner.HangUp(build.Id);
        await build.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(128 + 1, build.ExitCode);
        AssertNothingLeft();
    }

    private string Context(string name, string run) => TestContext.WithDockerfile(_root, name, $"FROM {_baseImage}\n{run}\n");

    private async Task<Process> StartAsync(string context)
    {
        (Process process, Task running) = ProcessRunner.StartWatching("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "imgbuild.dll"), "--root", _store, "--secret", $"id=token,env={SecretVariable}", context],
            Running, new Dictionary<string, string> { [SecretVariable] = _secret });
        _processes.Add(process);
        try
        {
            await running.WaitAsync(TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the build in {context} did not reach its RUN within two minutes");
        }
        return process;
    }

    private void AssertNothingLeft()
    {
        Assert.Empty(RuncStates());
        Assert.Empty(StoreMounts());
        string work = Path.Combine(_store, "work"), owners = Path.Combine(_store, "locks", "workspaces");
        Assert.Empty(Directory.Exists(work) ? Directory.GetFileSystemEntries(work) : []);
        Assert.Empty(Directory.Exists(owners) ? Directory.GetFileSystemEntries(owners) : []);
        Assert.Empty(FilesHoldingSecret(onDiskOnly: false));
    }

    private List<string> RuncStates()
    {
        string state = Path.Combine(_store, "runc");
        return Directory.Exists(state) ? [.. Directory.GetDirectories(state)] : [];
    }

    private List<string> StoreMounts() => [.. File.ReadAllLines("/proc/self/mountinfo").Where(line => line.Contains(_store, StringComparison.Ordinal))];

    // The store, whole, and the files changed in /tmp since the test began, read by grep (which skips FIFOs and
    // devices); onDiskOnly stays off other file systems (find -xdev), such as the bundle tmpfs while the RUN lives.
    private List<string> FilesHoldingSecret(bool onDiskOnly)
    {
        string xdev = onDiskOnly ? "-xdev" : "";
        var recent = Directory.EnumerateFileSystemEntries(Path.GetTempPath())
            .Where(entry => entry != _root && File.GetLastWriteTimeUtc(entry) >= _started && new FileInfo(entry).LinkTarget is null);
        string script = $"find '{_store}' {xdev} -type f -print0; "
            + string.Concat(recent.Select(entry => $"find '{entry}' {xdev} -type f -newermt '@{new DateTimeOffset(_started).ToUnixTimeSeconds()}' -size -64M -print0 2>/dev/null; "));
        string found = ProcessRunner.Run("/bin/sh", ["-c", $"({script}) | xargs -0 -r grep -l -F --no-messages -e \"$1\" || true", "sh", _secret]);
        return [.. found.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    public void Dispose()
    {
        // A failed test may leave a build running or killed: stop it, and let prune unmount what it left before the folder goes.
        foreach (Process process in _processes)
        {
            try
            {
                if (!process.HasExited) process.Kill();
                process.WaitForExit();
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
        InProcessImgbuild.Run("--root", _store, "prune");
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
