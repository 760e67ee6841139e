using System.Diagnostics;

namespace Builder.Cache.Tests.Layers;

/// <summary>Runs a tool the tests need (tar, gzip, zstd, mount) and fails saying what to install if it is missing.</summary>
internal static class ProcessRunner
{
    public static string Run(string file, params string[] args)
    {
        (int exit, string stdout, string stderr) = TryRun(file, args);
        Assert.True(exit == 0, $"{file} {string.Join(' ', args)} exited with {exit}: {stderr}");
        return stdout;
    }

    public static (int Exit, string Stdout, string Stderr) TryRun(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{file}' is needed by this test: install it (scripts/install-deps.sh)", e);
        }
        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr);
        }
    }
}
