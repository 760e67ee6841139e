namespace Builder.Testing;

/// <summary>
/// Finds a program an end-to-end test needs. A missing tool fails the test with the package to install: such
/// tests never skip (a skipped end-to-end test is a missing test).
/// </summary>
public static class RequiredTool
{
    /// <summary>The full path of <paramref name="program"/> on PATH (or in /usr/sbin, /sbin).</summary>
    /// <exception cref="InvalidOperationException">It is not installed; the message names the Debian package.</exception>
    public static string Find(string program, string debianPackage)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"]))
        {
            string candidate = Path.Combine(directory, program);
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException(
            $"this test needs '{program}': install it with 'apt-get install {debianPackage}' (scripts/install-deps.sh does)");
    }

    /// <summary>Fails unless the process runs as root (overlayfs, runc and chown need it).</summary>
    public static void RequireRoot()
    {
        if (Environment.UserName != "root" && Environment.GetEnvironmentVariable("USER") != "root" && geteuid() != 0)
            throw new InvalidOperationException("this test needs root (overlayfs mounts, runc, chown): run the suite as root, as CI does");
    }

    /// <summary>
    /// Fails unless SIGINT reaches the processes this one starts. A shell starts a background job with SIGINT ignored
    /// (<c>bash test.sh &amp;</c> from a script), every child inherits that, and a Ctrl-C test would then wait for its
    /// timeout instead of testing anything: it says so at once.
    /// </summary>
    public static void RequireInterruptible()
    {
        string? ignored = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        if (ignored is not null && (Convert.ToUInt64(ignored["SigIgn:".Length..].Trim(), 16) & (1UL << (2 - 1))) != 0)
            throw new InvalidOperationException("SIGINT is ignored in this test process, so the processes it starts cannot be interrupted: " +
                "run the suite in the foreground (a shell ignores SIGINT in background jobs), as CI does");
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern uint geteuid();
}
