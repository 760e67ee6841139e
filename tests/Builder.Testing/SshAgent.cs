namespace Builder.Testing;

/// <summary>An <c>ssh-agent</c> (openssh-client) listening on a socket of its own, with no keys; killed on dispose.</summary>
public sealed class SshAgent : IDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly string _directory;

    /// <summary>Starts the agent in the foreground of a child process (<c>ssh-agent -D -a SOCKET</c>) and waits for its socket.</summary>
    public SshAgent()
    {
        _directory = Directory.CreateTempSubdirectory("imgbuild-ssh-agent-").FullName;
        Socket = Path.Combine(_directory, "agent.sock");
        var start = new System.Diagnostics.ProcessStartInfo(RequiredTool.Find("ssh-agent", "openssh-client"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string argument in new[] { "-D", "-a", Socket }) start.ArgumentList.Add(argument);
        _process = System.Diagnostics.Process.Start(start)!;
        DateTime giveUp = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(Socket))
        {
            if (_process.HasExited || DateTime.UtcNow > giveUp) throw new InvalidOperationException("ssh-agent did not make its socket within 10 s");
            Thread.Sleep(50);
        }
    }

    /// <summary>The agent's socket, for <c>--ssh default=SOCKET</c>.</summary>
    public string Socket { get; }

    /// <summary>Stops the agent and deletes its folder.</summary>
    public void Dispose()
    {
        try
        {
            _process.Kill();
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
