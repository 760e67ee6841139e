using System.Diagnostics;
using System.Text;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// <c>imgbuild build --on-error=shell</c> driven through a pseudo-terminal, as a person at a terminal would: the real
/// imgbuild process runs under <c>script</c> (util-linux), which gives it a pty; the test types into the shell and
/// reads what it prints. The shell sees the failed RUN's filesystem, environment, working directory and cache mount,
/// has the RUN's sandbox (not more), and nothing is left when it exits.
/// </summary>
public sealed class FailedStepShellTests : IDisposable
{
    private const string ShellStarted = "exit it to end the build";
    // The capabilities of a RUN without --security=insecure (RuntimeSpecWriter's default set): CapEff as /proc shows it.
    private const string SandboxCapabilities = "CapEff:\t00000000a80425fb";

    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-shell-e2e-").FullName;
    private readonly string _store;
    private readonly string _baseImage;

    public FailedStepShellTests()
    {
        _store = Path.Combine(_root, "store");
        _baseImage = _registry.SeedBusybox("library/busybox");
    }

    [Fact]
    public async Task Build_OnErrorShellAndRunFails_ShellSeesTheFailedStepThenNothingIsLeft()
    {
        RequiredTool.RequireRoot();
        string context = TestContext.WithDockerfile(_root, $"""
            FROM {_baseImage}
            ENV GREETING=hello
            WORKDIR /work
            RUN --mount=type=cache,id=shell-e2e,target=/cache sh -c 'echo warm > /cache/file; echo half > /work/built; exit 3'
            """);

        (int status, string screen) = await RunOnTerminalAsync(
            ["build", "--on-error=shell", context],
            "echo seen-$((40+2)) $GREETING $(pwd) $(cat built) $(cat /cache/file) $(id -u); grep CapEff /proc/self/status; exit 5\n");

        Assert.Equal(1, status); // the build still fails
        Assert.Contains("did not complete successfully: exit code: 3", screen, StringComparison.Ordinal);
        Assert.Contains("seen-42 hello /work half warm 0", screen, StringComparison.Ordinal);
        Assert.Contains(SandboxCapabilities, screen, StringComparison.Ordinal);
        Assert.Contains("/bin/sh exited with status 5", screen, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task Build_OnErrorShellCommandAndInsecureRunAllowed_ShellHasTheRunsPrivileges()
    {
        RequiredTool.RequireRoot();
        string context = TestContext.WithDockerfile(_root, $"FROM {_baseImage}\nRUN --security=insecure false\n");

        (int status, string screen) = await RunOnTerminalAsync(
            ["build", "--allow", "security.insecure", "--on-error=shell:/bin/sh -l", context], "grep CapEff /proc/self/status; exit\n");

        Assert.Equal(1, status);
        Assert.Contains("starting /bin/sh -l in the failed step's container", screen, StringComparison.Ordinal);
        Assert.Contains("CapEff:", screen, StringComparison.Ordinal);
        Assert.DoesNotContain(SandboxCapabilities, screen, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task Build_OnErrorShellAndInsecureRunNotAllowed_RefusedBeforeAnyContainerOrShell()
    {
        RequiredTool.RequireRoot();
        string context = TestContext.WithDockerfile(_root, $"FROM {_baseImage}\nRUN --security=insecure false\n");

        (int status, string screen) = await RunOnTerminalAsync(["build", "--on-error=shell", context], input: null);

        Assert.Equal(1, status);
        Assert.Contains("needs the security.insecure entitlement", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("starting /bin/sh", screen, StringComparison.Ordinal);
        AssertNothingLeft();
    }

    [Fact]
    public async Task Build_OnErrorShellWithPlainProgress_RefusedWithHint()
    {
        string context = TestContext.WithDockerfile(_root, $"FROM {_baseImage}\nRUN false\n");

        (int status, string screen) = await RunOnTerminalAsync(["build", "--progress=plain", "--on-error=shell", context], input: null);

        Assert.Equal(1, status);
        Assert.Contains("--on-error=shell cannot be used with --progress=plain", screen, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_store, "runc")), "nothing should have been built");
    }

    [Fact]
    public void Build_OnErrorShellWithoutTerminal_RefusedWithHint()
    {
        string context = TestContext.WithDockerfile(_root, $"FROM {_baseImage}\nRUN false\n");

        (int status, _, string error) = InProcessImgbuild.Run("--root", _store, "build", "--on-error=shell", context);

        Assert.Equal(1, status);
        Assert.Contains("--on-error=shell needs an interactive terminal", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_store, "runc")), "nothing should have been built");
    }

    // Runs imgbuild on a pseudo-terminal made by script(1); once the shell has started, types input into it. Returns
    // imgbuild's exit status (script -e passes it on) and everything the terminal showed.
    private async Task<(int Status, string Screen)> RunOnTerminalAsync(IEnumerable<string> args, string? input)
    {
        string command = string.Join(' ', new[] { "dotnet", Path.Combine(AppContext.BaseDirectory, "imgbuild.dll"), "--root", _store }.Concat(args)
            .Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        var start = new ProcessStartInfo(RequiredTool.Find("script", "bsdutils"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "--quiet", "--flush", "--return", "--command", command, "/dev/null" }) start.ArgumentList.Add(argument);
        start.Environment["TERM"] = "xterm";
        using Process process = Process.Start(start)!;
        var screen = new StringBuilder();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task ReadAsync(StreamReader reader)
        {
            var buffer = new char[4096];
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0)
            {
                lock (screen)
                {
                    screen.Append(buffer, 0, read);
                    if (screen.ToString().Contains(ShellStarted, StringComparison.Ordinal)) started.TrySetResult();
                }
            }
        }
        Task reading = Task.WhenAll(ReadAsync(process.StandardOutput), ReadAsync(process.StandardError));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            if (input is not null)
            {
                await started.Task.WaitAsync(timeout.Token);
                await process.StandardInput.WriteAsync(input);
                await process.StandardInput.FlushAsync();
            }
            await process.WaitForExitAsync(timeout.Token);
            await reading.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"imgbuild on a terminal did not finish in 3 minutes; the screen showed:\n{screen}");
        }
        return (process.ExitCode, screen.ToString());
    }

    private void AssertNothingLeft()
    {
        string runc = Path.Combine(_store, "runc");
        Assert.Empty(Directory.Exists(runc) ? Directory.GetDirectories(runc) : []);
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), line => line.Contains(_store, StringComparison.Ordinal));
        string work = Path.Combine(_store, "work");
        Assert.Empty(Directory.Exists(work) ? Directory.GetFileSystemEntries(work) : []);
    }

    public void Dispose()
    {
        InProcessImgbuild.Run("--root", _store, "prune");
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
