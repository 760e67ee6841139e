using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Builder.Testing.Registry;

/// <summary>What a <see cref="HostileRegistry"/> does with each request.</summary>
public enum HostileBehaviour
{
    /// <summary>Accepts the connection, reads the request, and never answers.</summary>
    NeverAnswers,

    /// <summary>Answers 200 with a manifest body that goes on for <see cref="HostileRegistry.BodySize"/> bytes, its length not announced.</summary>
    EndlessManifest,

    /// <summary>As <see cref="EndlessManifest"/>, with a <c>Content-Length</c> announcing the whole size.</summary>
    AnnouncedHugeManifest,

    /// <summary>
    /// Answers 200 with <see cref="HostileRegistry.Blob"/>, one byte every <see cref="HostileRegistry.Drip"/>: slow
    /// as a whole, never silent for long.
    /// </summary>
    SlowBlob,
}

/// <summary>
/// A peer on loopback that speaks just enough HTTP to be taken for a registry and then misbehaves: it never answers,
/// or it sends a manifest far too large. It counts what it sent, so a test can tell that the client stopped reading.
/// Not a mock of the registry: the client under test talks to it over a real socket, as to any hostile server.
/// </summary>
public sealed class HostileRegistry : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly HostileBehaviour _behaviour;
    private readonly List<TcpClient> _clients = [];
    private long _sent;
    private int _requests;

    /// <summary>Starts listening on a free loopback port.</summary>
    public HostileRegistry(HostileBehaviour behaviour, long bodySize = 200L << 20)
    {
        (_behaviour, BodySize) = (behaviour, bodySize);
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    /// <summary>host:port, for an image reference.</summary>
    public string Host => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>The size of the manifest body it tries to send.</summary>
    public long BodySize { get; }

    /// <summary>Body bytes handed to the kernel so far, over all connections.</summary>
    public long BodyBytesSent => Interlocked.Read(ref _sent);

    /// <summary>The body <see cref="HostileBehaviour.SlowBlob"/> sends.</summary>
    public byte[] Blob { get; init; } = [];

    /// <summary>The pause between two bytes of <see cref="HostileBehaviour.SlowBlob"/>.</summary>
    public TimeSpan Drip { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Requests read so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            lock (_clients) _clients.Add(client);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            NetworkStream stream = client.GetStream();
            // The request line and headers (a GET has no body).
            var request = new StringBuilder();
            byte[] one = new byte[1];
            while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(one, _stop.Token).ConfigureAwait(false) == 0) return;
                request.Append((char)one[0]);
            }
            Interlocked.Increment(ref _requests);
            if (_behaviour == HostileBehaviour.NeverAnswers)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token).ConfigureAwait(false);
                return;
            }
            if (_behaviour == HostileBehaviour.SlowBlob)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {Blob.Length}\r\nConnection: close\r\n\r\n"), _stop.Token).ConfigureAwait(false);
                for (int i = 0; i < Blob.Length; i++)
                {
                    await Task.Delay(Drip, _stop.Token).ConfigureAwait(false);
                    await stream.WriteAsync(Blob.AsMemory(i, 1), _stop.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref _sent);
                }
                return;
            }
            string length = _behaviour == HostileBehaviour.AnnouncedHugeManifest ? $"Content-Length: {BodySize}\r\n" : "";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\n{length}Connection: close\r\n\r\n"), _stop.Token).ConfigureAwait(false);
            byte[] chunk = Encoding.ASCII.GetBytes(new string(' ', 64 << 10));
            for (long left = BodySize; left > 0; left -= chunk.Length)
            {
                int size = (int)Math.Min(chunk.Length, left);
                await stream.WriteAsync(chunk.AsMemory(0, size), _stop.Token).ConfigureAwait(false);
                Interlocked.Add(ref _sent, size);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client hung up: what a refused manifest should make it do.
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>Stops listening and drops every connection.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_clients) _clients.ForEach(c => c.Dispose());
        _stop.Dispose();
    }
}
