using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Builder.Oci;

namespace Builder.Cache.Export;

/// <summary>
/// The few calls of the Docker Engine API (https://docs.docker.com/reference/api/engine/) that loading an image needs,
/// over the engine's unix socket (<c>unix:///var/run/docker.sock</c>, the default) or plain TCP (<c>tcp://HOST:PORT</c>),
/// as <c>DOCKER_HOST</c> names them. Paths carry no API version, so the engine answers in its own (Docker 20.10's is 1.41).
/// </summary>
public sealed class DockerEngineClient : IDisposable
{
    /// <summary>Where the Docker engine listens when <c>DOCKER_HOST</c> is not set.</summary>
    public const string DefaultHost = "unix:///var/run/docker.sock";

    private readonly HttpClient _http;

    /// <summary>A client of the engine at <paramref name="host"/> (a <c>DOCKER_HOST</c> value).</summary>
    /// <exception cref="FormatException">The host is neither <c>unix://PATH</c> nor <c>tcp://HOST:PORT</c>.</exception>
    public DockerEngineClient(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        Host = host;
        var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30), ConnectTimeout = TimeSpan.FromSeconds(10) };
        Uri baseAddress;
        if (host.StartsWith("unix://", StringComparison.Ordinal) && host.Length > "unix://".Length)
        {
            string socket = host["unix://".Length..];
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(connection, ownsSocket: true);
                }
                catch
                {
                    connection.Dispose();
                    throw;
                }
            };
            // The host name is not used for a unix socket; the Docker CLI sends this one.
            baseAddress = new Uri("http://docker/");
        }
        else if (host.StartsWith("tcp://", StringComparison.Ordinal) && Uri.TryCreate("http://" + host["tcp://".Length..].TrimEnd('/') + "/", UriKind.Absolute, out Uri? tcp))
        {
            baseAddress = tcp;
        }
        else if (host.StartsWith("ssh://", StringComparison.Ordinal) || host.StartsWith("npipe://", StringComparison.Ordinal))
        {
            throw new FormatException($"not supported yet: DOCKER_HOST={host} (imgbuild reaches the Docker engine over unix:// or tcp:// only)");
        }
        else
        {
            throw new FormatException($"DOCKER_HOST '{host}' is not unix:///PATH or tcp://HOST:PORT");
        }
        // An image load may take as long as the image is big; cancellation stops it.
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The engine's address, as given.</summary>
    public string Host { get; }

    /// <summary>Checks that an engine answers (<c>GET /_ping</c>).</summary>
    /// <exception cref="InvalidOperationException">No engine answers at <see cref="Host"/>; the message says how to start one.</exception>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await _http.GetAsync("_ping", cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return;
            throw NoEngine($"it answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (HttpRequestException e)
        {
            throw NoEngine(e.InnerException?.Message ?? e.Message);
        }
    }

    /// <summary>
    /// Whether the engine keeps images in containerd's content store (Docker 24+'s containerd image store: <c>/info</c>
    /// reports the driver type <c>io.containerd.snapshotter.v1</c>) rather than in its own layer store.
    /// </summary>
    public async Task<bool> UsesContainerdStoreAsync(CancellationToken cancellationToken)
    {
        using JsonDocument info = await GetJsonAsync("info", cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"the Docker engine at {Host} did not answer GET /info");
        if (!info.RootElement.TryGetProperty("DriverStatus", out JsonElement status) || status.ValueKind != JsonValueKind.Array) return false;
        return status.EnumerateArray().Any(pair => pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
            && pair[0].GetString() == "driver-type" && pair[1].GetString() == "io.containerd.snapshotter.v1");
    }

    /// <summary>The layers (diffIDs, bottom first) of the image the engine has under <paramref name="name"/>, or
    /// <see langword="null"/> when it has none (<c>GET /images/{name}/json</c>).</summary>
    public async Task<ImmutableArray<Digest>?> ImageLayersAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        using JsonDocument? image = await GetJsonAsync($"images/{Uri.EscapeDataString(name)}/json", cancellationToken).ConfigureAwait(false);
        if (image is null) return null;
        if (!image.RootElement.TryGetProperty("RootFS", out JsonElement rootFs) || !rootFs.TryGetProperty("Layers", out JsonElement layers)
            || layers.ValueKind != JsonValueKind.Array)
            return [];
        var diffIds = ImmutableArray.CreateBuilder<Digest>();
        foreach (JsonElement layer in layers.EnumerateArray())
        {
            if (!Digest.TryParse(layer.GetString(), out Digest diffId)) return [];
            diffIds.Add(diffId);
        }
        return diffIds.ToImmutable();
    }

    /// <summary>
    /// Loads a Docker archive into the engine (<c>POST /images/load</c>), streaming what <paramref name="writeArchive"/>
    /// writes, and returns what the engine said (<c>Loaded image: app:1</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The engine refused the archive; the message is the engine's.</exception>
    public async Task<string> LoadAsync(Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeArchive);
        using var content = new ArchiveContent(writeArchive);
        using var request = new HttpRequestMessage(HttpMethod.Post, "images/load?quiet=1") { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (content.WriteFailure is { } failure)
        {
            // The archive could not be written (a blob missing from the store): that, not the broken upload, is the cause.
            throw new InvalidOperationException($"loading into the Docker engine at {Host}: {failure.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw NoEngine(e.InnerException?.Message ?? e.Message);
        }
        using (response)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"the Docker engine at {Host} refused the image ({(int)response.StatusCode}): {MessageOf(body)}");
            // The engine answers 200 and then streams JSON messages; a failure is a message with "error".
            var said = new List<string>();
            foreach (string line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                using JsonDocument message = JsonDocument.Parse(line);
                if (message.RootElement.TryGetProperty("error", out JsonElement error))
                    throw new InvalidOperationException($"the Docker engine at {Host} could not load the image: {error.GetString()}");
                if (message.RootElement.TryGetProperty("stream", out JsonElement stream) && stream.GetString() is { } text && text.Trim().Length > 0)
                    said.Add(text.Trim());
            }
            return string.Join("; ", said);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<JsonDocument?> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await _http.GetAsync(path, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"the Docker engine at {Host} answered GET /{path} with {(int)response.StatusCode}: {MessageOf(body)}");
            return JsonDocument.Parse(body);
        }
        catch (HttpRequestException e)
        {
            throw NoEngine(e.InnerException?.Message ?? e.Message);
        }
    }

    // The engine's errors are {"message": "..."}.
    private static string MessageOf(string body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("message", out JsonElement message))
                return message.GetString() ?? body;
        }
        catch (JsonException)
        {
        }
        return body.Trim();
    }

    private InvalidOperationException NoEngine(string why) => new(
        $"no Docker engine answers at {Host} ({why}): start it (systemctl start docker, or dockerd), set DOCKER_HOST to where it listens, " +
        "or write an archive instead with --output type=docker,dest=FILE");

    // The archive as a request body written while it is sent (chunked): nothing is spooled to disk or memory.
    private sealed class ArchiveContent : HttpContent
    {
        private readonly Func<Stream, CancellationToken, Task> _writeArchive;

        public ArchiveContent(Func<Stream, CancellationToken, Task> writeArchive)
        {
            _writeArchive = writeArchive;
            Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        }

        public Exception? WriteFailure { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            try
            {
                await _writeArchive(stream, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                WriteFailure = e;
                throw;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
