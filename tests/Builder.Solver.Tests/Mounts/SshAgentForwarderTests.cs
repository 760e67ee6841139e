using Builder.Solver.Mounts;
using Builder.Testing;

namespace Builder.Solver.Tests.Mounts;

/// <summary>The SSH agent forwarder against a real ssh-agent, spoken to by a real ssh-add.</summary>
public sealed class SshAgentForwarderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-ssh-").FullName;

    [Fact]
    public void Forwarder_RelaysSshAddToTheAgent_WithTheMountsModeAndOwner()
    {
        RequiredTool.RequireRoot();
        string agentProgram = RequiredTool.Find("ssh-agent", "openssh-client");
        string sshAdd = RequiredTool.Find("ssh-add", "openssh-client");
        string keygen = RequiredTool.Find("ssh-keygen", "openssh-client");
        string agent = Path.Combine(_root, "agent.sock");
        string pid = ProcessRunner.Run(agentProgram, ["-a", agent, "-s"]);
        try
        {
            ProcessRunner.Run(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", "imgbuild-test-key", "-f", Path.Combine(_root, "key")]);
            ProcessRunner.Run(sshAdd, [Path.Combine(_root, "key")], environment: new Dictionary<string, string> { ["SSH_AUTH_SOCK"] = agent });

            using var forwarder = SshAgentForwarder.Start(Path.Combine(_root, "forwarded.sock"), agent, Convert.ToInt32("640", 8), 1000, 1000);

            string listed = ProcessRunner.Run(sshAdd, ["-l"], environment: new Dictionary<string, string> { ["SSH_AUTH_SOCK"] = forwarder.Path });
            Assert.Contains("imgbuild-test-key", listed, StringComparison.Ordinal);
            Assert.Equal("socket 640 1000:1000", ProcessRunner.Run("stat", ["-c", "%F %a %u:%g", forwarder.Path]).Trim());
        }
        finally
        {
            string agentPid = pid.Split("SSH_AGENT_PID=")[1].Split(';')[0];
            ProcessRunner.Run("kill", [agentPid]);
        }
    }

    [Fact]
    public void Forwarder_IsRemovedWhenDisposed()
    {
        string agent = Path.Combine(_root, "fake-agent.sock");
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(agent));
        listener.Listen(1);

        string path;
        using (var forwarder = SshAgentForwarder.Start(Path.Combine(_root, "f.sock"), agent, Convert.ToInt32("600", 8), 0, 0))
            path = forwarder.Path;

        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Start_WithoutAnAgent_SaysSo()
    {
        var error = Assert.Throws<IOException>(() => SshAgentForwarder.Start(Path.Combine(_root, "f.sock"), Path.Combine(_root, "missing.sock"), 384, 0, 0));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
