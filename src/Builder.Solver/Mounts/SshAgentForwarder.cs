using System.Net.Sockets;

namespace Builder.Solver.Mounts;

/// <summary>
/// Forwards an SSH agent into one RUN (<c>RUN --mount=type=ssh</c>, <c>--ssh id=SOCKET</c>): a Unix socket of its
/// own, with the mount's mode and owner, whose every connection is relayed to the agent's socket on this machine.
/// The agent's socket is never exposed itself, and nothing of it reaches a layer. Disposing stops listening and
/// deletes the socket.
/// </summary>
internal sealed class SshAgentForwarder : IDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly string _agent;

    private SshAgentForwarder(string path, string agent)
    {
        Path = path;
        _agent = agent;
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(16);
        _ = AcceptAsync();
    }

    /// <summary>The forwarding socket, to bind-mount into the container.</summary>
    public string Path { get; }

    /// <summary>Listens at <paramref name="path"/> for connections relayed to the agent at <paramref name="agent"/>.</summary>
    /// <exception cref="IOException">The agent socket does not exist.</exception>
    public static SshAgentForwarder Start(string path, string agent, int mode, uint uid, uint gid)
    {
        if (!File.Exists(agent))
            throw new IOException($"the SSH agent socket '{agent}' does not exist (is the agent running? is SSH_AUTH_SOCK right?)");
        var forwarder = new SshAgentForwarder(path, agent);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)mode);
        Filesystem.FileOwnership.Set(path, uid, gid);
        return forwarder;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                Socket client = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                _ = RelayAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using (client)
        using (var agent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                await agent.ConnectAsync(new UnixDomainSocketEndPoint(_agent), _stop.Token).ConfigureAwait(false);
                await using var fromClient = new NetworkStream(client, ownsSocket: false);
                await using var toAgent = new NetworkStream(agent, ownsSocket: false);
                Task up = PumpAsync(fromClient, toAgent, agent);
                Task down = PumpAsync(toAgent, fromClient, client);
                await Task.WhenAll(up, down).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // the client or the agent went away: the connection ends, as it would without the relay
            }
        }
    }

    private async Task PumpAsync(Stream from, Stream to, Socket toSocket)
    {
        await from.CopyToAsync(to, _stop.Token).ConfigureAwait(false);
        toSocket.Shutdown(SocketShutdown.Send); // pass the end of stream on
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        File.Delete(Path);
        _stop.Dispose();
    }
}
