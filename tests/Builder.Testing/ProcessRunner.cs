using System.Diagnostics;

namespace Builder.Testing;

/// <summary>Runs a program to completion for a test and returns its output; with <see cref="Run"/>, a non-zero exit is an exception.</summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> (no shell) and returns stdout.</summary>
    /// <exception cref="InvalidOperationException">The exit status is not 0; the message has the command and stderr.</exception>
    public static string Run(string program, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        string[] list = [.. arguments];
        (int exitCode, string stdout, string stderr) = Capture(program, list, workingDirectory, environment, timeout);
        if (exitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', list)} exited with {exitCode}: {stderr}{stdout}");
        return stdout;
    }

    /// <summary>Runs <paramref name="program"/> to completion whatever its exit status, and returns the status and both outputs.</summary>
    /// <exception cref="TimeoutException">It did not finish within <paramref name="timeout"/> (default 5 minutes); it is killed.</exception>
    public static (int ExitCode, string Stdout, string Stderr) Capture(string program, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null)
            foreach ((string key, string value) in environment) start.Environment[key] = value;
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish in time");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Starts <paramref name="program"/> in the background with both outputs read as they come; the task completes when a
    /// line of either contains <paramref name="marker"/> (a step's output saying it is under way).
    /// </summary>
    public static (Process Process, Task MarkerSeen) StartWatching(string program, IEnumerable<string> arguments, string marker,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null)
            foreach ((string key, string value) in environment) start.Environment[key] = value;
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Watch(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data?.Contains(marker, StringComparison.Ordinal) == true) seen.TrySetResult();
        }
        process.OutputDataReceived += Watch;
        process.ErrorDataReceived += Watch;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, seen.Task);
    }

    /// <summary>Sends SIGINT to <paramref name="pid"/>, as Ctrl-C does.</summary>
    public static void Interrupt(int pid)
    {
        if (kill(pid, 2) != 0) throw new InvalidOperationException($"kill -INT {pid} failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Sends SIGHUP to <paramref name="pid"/>, as closing its terminal (or <c>tmux kill-session</c>) does.</summary>
    public static void HangUp(int pid)
    {
        if (kill(pid, 1) != 0) throw new InvalidOperationException($"kill -HUP {pid} failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>Runs a shell command line with <c>/bin/sh -c</c> and returns stdout.</summary>
    public static string Shell(string commandLine, string? workingDirectory = null) =>
        Run("/bin/sh", ["-c", commandLine], workingDirectory);
}
