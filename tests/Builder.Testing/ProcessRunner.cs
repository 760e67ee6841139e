using System.Diagnostics;

namespace Builder.Testing;

/// <summary>Runs a program to completion for a test and returns its output; a non-zero exit is an exception.</summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> (no shell) and returns stdout.</summary>
    /// <exception cref="InvalidOperationException">The exit status is not 0; the message has the command and stderr.</exception>
    public static string Run(string program, IEnumerable<string> arguments, string? workingDirectory = null,
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
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {stderr.Result}{stdout.Result}");
        return stdout.Result;
    }

    /// <summary>Runs a shell command line with <c>/bin/sh -c</c> and returns stdout.</summary>
    public static string Shell(string commandLine, string? workingDirectory = null) =>
        Run("/bin/sh", ["-c", commandLine], workingDirectory);
}
