using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Builder.Cache.Content;
using Builder.Cache.Export;
using Builder.Oci;

namespace Builder.Cache.Distribution;

/// <summary>
/// A client of the OCI distribution API: resolves references, pulls manifests and blobs (verified against their
/// digests), and pushes blobs (skipping those the registry has, mounting across repositories where it can) and
/// manifests with tags. It answers <c>401</c> challenges with basic credentials or bearer tokens and retries with
/// backoff on <c>5xx</c>, <c>429</c> and dropped connections. It never waits forever nor reads without bound: a
/// connection must open within <see cref="RegistryClientOptions.ConnectTimeout"/>, a registry silent for
/// <see cref="RegistryClientOptions.IdleTimeout"/> is tried again a few times and then named in the error, and a
/// manifest, index or config larger than <see cref="MaxManifestSize"/> is refused as soon as that is known.
/// </summary>
public sealed class RegistryClient : IDisposable
{
    private static readonly string[] ManifestTypes =
        [MediaTypes.OciIndex, MediaTypes.OciManifest, MediaTypes.DockerManifestList, MediaTypes.DockerManifest];

    /// <summary>
    /// The largest manifest, index or image config accepted: 4 MiB, containerd's limit (remotes/docker's
    /// <c>maxManifestSize</c>), so a hostile registry cannot make a pull hold gigabytes in memory.
    /// </summary>
    public const long MaxManifestSize = 4 << 20;

    // An error body is only read for its message.
    private const long MaxErrorBodySize = 64 << 10;

    private readonly RegistryClientOptions _options;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, AuthenticationHeaderValue> _authorization = new(StringComparer.Ordinal);

    /// <summary>Creates a client.</summary>
    public RegistryClient(RegistryClientOptions? options = null)
    {
        _options = options ?? new RegistryClientOptions();
        _http = _options.Handler is { } handler
            ? new HttpClient(handler, disposeHandler: false)
            : new HttpClient(new SocketsHttpHandler { ConnectTimeout = _options.ConnectTimeout }, disposeHandler: true);
        // No total timeout (a layer may take long): each request and each read has the idle timeout instead.
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("imgbuild/0.1");
    }

    /// <summary>Fetches the manifest or index <paramref name="reference"/> names (its digest if it has one, else its tag).</summary>
    /// <exception cref="RegistryException">Not found, refused, or its bytes do not match the digest.</exception>
    public async Task<PulledManifest> GetManifestAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        string tagOrDigest = reference.Digest?.ToString() ?? reference.Tag ?? ImageReference.DefaultTag;
        return await GetManifestAsync(reference, tagOrDigest, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Resolves <paramref name="reference"/> to one image manifest: an index is followed to its entry for
    /// <paramref name="platform"/>. Returns the top-level descriptor (what the reference names) and the manifest.
    /// </summary>
    /// <exception cref="RegistryException">Not found, refused, unverifiable, or no manifest for the platform.</exception>
    public async Task<(Descriptor Root, PulledManifest Manifest)> ResolveAsync(ImageReference reference, Platform platform, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platform);
        PulledManifest root = await GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
        if (!ManifestSerializer.IsIndex(root.Descriptor.MediaType)) return (root.Descriptor, root);
        ImageIndex index = ManifestSerializer.DeserializeIndex(root.Content);
        Descriptor chosen = index.Select(platform)
            ?? throw new RegistryException($"{reference} has no manifest for {platform}; it has: " +
                string.Join(", ", index.Manifests.Where(m => m.Platform is not null).Select(m => m.Platform!.ToString())));
        PulledManifest manifest = await GetManifestAsync(reference, chosen.Digest.ToString(), cancellationToken).ConfigureAwait(false);
        return (root.Descriptor, manifest);
    }

    /// <summary>
    /// Opens a blob for reading. The stream checks the digest and size as it ends, resumes after a dropped connection,
    /// and throws <see cref="RegistryException"/> rather than end cleanly on content that does not match.
    /// </summary>
    public async Task<Stream> OpenBlobAsync(ImageReference repository, Descriptor blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(blob);
        Stream first = await OpenBlobAtAsync(repository, blob, 0, cancellationToken).ConfigureAwait(false);
        return new BlobDownloadStream(blob, repository.Name, first,
            (offset, token) => OpenBlobAtAsync(repository, blob, offset, token), _options.MaxAttempts);
    }

    /// <summary>
    /// Opens an image config (or another small JSON blob a manifest names) for reading, as <see cref="OpenBlobAsync"/>
    /// does, after refusing one whose descriptor says it is larger than <see cref="MaxManifestSize"/>; the stream itself
    /// never reads past the descriptor's size.
    /// </summary>
    /// <exception cref="RegistryException">The config is larger than the limit.</exception>
    public Task<Stream> OpenConfigAsync(ImageReference repository, Descriptor config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Size > MaxManifestSize)
            throw new RegistryException($"the config {config.Digest} of {repository.Name} is larger than {MaxManifestSize / (1 << 20)} MiB ({config.Size} bytes): refusing it, as containerd does");
        return OpenBlobAsync(repository, config, cancellationToken);
    }

    /// <summary>
    /// Pulls the image for <paramref name="platform"/> into <paramref name="store"/>: its manifest, config and the
    /// layers the store lacks. Returns the manifest's descriptor.
    /// </summary>
    public async Task<Descriptor> PullAsync(ImageReference reference, Platform platform, ContentStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        (_, PulledManifest pulled) = await ResolveAsync(reference, platform, cancellationToken).ConfigureAwait(false);
        ImageManifest manifest = ManifestSerializer.DeserializeManifest(pulled.Content);
        using var slots = new SemaphoreSlim(_options.MaxParallelTransfers);
        await Task.WhenAll(manifest.Layers.Prepend(manifest.Config).DistinctBy(d => d.Digest).Select(async blob =>
        {
            if (store.Contains(blob.Digest)) return;
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using Stream stream = blob == manifest.Config
                    ? await OpenConfigAsync(reference, blob, cancellationToken).ConfigureAwait(false)
                    : await OpenBlobAsync(reference, blob, cancellationToken).ConfigureAwait(false);
                await store.WriteAsync(stream, blob, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
        await store.WriteAsync(new MemoryStream(pulled.Content, writable: false), pulled.Descriptor, cancellationToken).ConfigureAwait(false);
        return pulled.Descriptor;
    }

    /// <summary>Whether the repository has the blob.</summary>
    public async Task<bool> BlobExistsAsync(ImageReference repository, Digest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        using HttpResponseMessage response = await SendAsync(repository, [Scope(repository, "pull")], $"checking blob {digest}",
            _ => new HttpRequestMessage(HttpMethod.Head, Url(repository, $"blobs/{digest}")), cancellationToken, allowNotFound: true).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>
    /// Pushes a blob unless the repository has it: mounted from <paramref name="mountFrom"/> (a repository of the same
    /// registry) when given and the registry agrees, else uploaded. Returns whether bytes were uploaded.
    /// </summary>
    public async Task<bool> PushBlobAsync(ImageReference repository, Descriptor blob, Func<Stream> open, string? mountFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(open);
        if (await BlobExistsAsync(repository, blob.Digest, cancellationToken).ConfigureAwait(false)) return false;
        string[] scopes = mountFrom is null
            ? [Scope(repository, "pull,push")]
            : [Scope(repository, "pull,push"), $"repository:{mountFrom}:pull"];
        string query = mountFrom is null ? "" : $"?mount={Uri.EscapeDataString(blob.Digest.ToString())}&from={Uri.EscapeDataString(mountFrom)}";
        Uri location;
        using (HttpResponseMessage started = await SendAsync(repository, scopes, $"starting the upload of {blob.Digest}",
            _ => new HttpRequestMessage(HttpMethod.Post, Url(repository, "blobs/uploads/" + query)), cancellationToken).ConfigureAwait(false))
        {
            if (started.StatusCode == HttpStatusCode.Created) return false; // mounted
            location = UploadLocation(repository, started);
        }
        string separator = location.Query.Length > 0 ? "&" : "?";
        var target = new Uri(location + separator + "digest=" + Uri.EscapeDataString(blob.Digest.ToString()));
        using HttpResponseMessage done = await SendAsync(repository, scopes, $"uploading blob {blob.Digest}", timeout =>
        {
            // Reading the blob to send it counts as activity: a large upload has no total time limit either.
            var content = new StreamContent(new IdleTimeoutStream(open(), _options.IdleTimeout, $"blob {blob.Digest}", timeout));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = blob.Size;
            return new HttpRequestMessage(HttpMethod.Put, target) { Content = content };
        }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Pushes a manifest or index under <paramref name="tagOrDigest"/>.</summary>
    public async Task PushManifestAsync(ImageReference repository, string tagOrDigest, string mediaType, byte[] content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(content);
        using HttpResponseMessage response = await SendAsync(repository, [Scope(repository, "pull,push")], $"pushing manifest {tagOrDigest}", _ =>
        {
            var body = new ByteArrayContent(content);
            body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return new HttpRequestMessage(HttpMethod.Put, Url(repository, $"manifests/{tagOrDigest}")) { Content = body };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Pushes an image from <paramref name="source"/> to <paramref name="target"/>: blobs first (skipping and mounting
    /// where possible), then child manifests by digest, then the root under the target's tag.
    /// </summary>
    public async Task<PushReport> PushAsync(IBlobReader source, Descriptor root, ImageReference target, string? mountFrom, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(target);
        IReadOnlyList<Descriptor> content = ImageBlobs.Collect(source, root);
        bool IsManifest(Descriptor d) => d.MediaType is MediaTypes.OciManifest or MediaTypes.DockerManifest || ManifestSerializer.IsIndex(d.MediaType);
        int uploaded = 0, skipped = 0;
        using var slots = new SemaphoreSlim(_options.MaxParallelTransfers);
        await Task.WhenAll(content.Where(d => !IsManifest(d)).Select(async blob =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (await PushBlobAsync(target, blob, () => source.OpenRead(blob.Digest), mountFrom, cancellationToken).ConfigureAwait(false))
                    Interlocked.Increment(ref uploaded);
                else
                    Interlocked.Increment(ref skipped);
            }
            finally
            {
                slots.Release();
            }
        })).ConfigureAwait(false);
        foreach (Descriptor manifest in content.Where(IsManifest))
        {
            byte[] bytes = ImageBlobs.ReadAll(source, manifest.Digest);
            string reference = manifest.Digest == root.Digest && target.Tag is { } tag ? tag : manifest.Digest.ToString();
            await PushManifestAsync(target, reference, manifest.MediaType, bytes, cancellationToken).ConfigureAwait(false);
        }
        return new PushReport(root, uploaded, skipped);
    }

    /// <summary>
    /// Checks that the credentials for <paramref name="host"/> are accepted (<c>GET /v2/</c> through the registry's
    /// challenge), as <c>docker login</c> does before saving them.
    /// </summary>
    /// <exception cref="RegistryException">The registry refuses them or cannot be reached.</exception>
    public async Task LoginAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var root = new Uri(RegistryEndpoint.BaseUri(host, _options.InsecureRegistries), "/v2/");
        for (int attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, root);
            if (_authorization.TryGetValue(host + " ", out AuthenticationHeaderValue? token) || _authorization.TryGetValue(host, out token))
                request.Headers.Authorization = token;
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(request, host, "logging in", null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                throw new RegistryException($"{host}: cannot reach {root}: {e.Message}", inner: e);
            }
            using (response)
            {
                if (response.IsSuccessStatusCode) return;
                if (response.StatusCode != HttpStatusCode.Unauthorized || attempt > 0)
                    throw await ErrorAsync(response, $"{host}: logging in", cancellationToken).ConfigureAwait(false);
                AuthChallenge? challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.FirstOrDefault()?.ToString());
                await AuthenticateAsync(host, host + " ", [], challenge, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _http.Dispose();

    private async Task<PulledManifest> GetManifestAsync(ImageReference repository, string tagOrDigest, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(repository, [Scope(repository, "pull")], $"fetching manifest {tagOrDigest}", _ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Url(repository, $"manifests/{tagOrDigest}"));
            foreach (string type in ManifestTypes) request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            return request;
        }, cancellationToken).ConfigureAwait(false);
        string where = $"{repository.Name}:{tagOrDigest}";
        byte[] content = await ReadBodyAsync(response, MaxManifestSize, $"{repository.Registry}: manifest {where}",
            size => new RegistryException($"manifest {where} is larger than {MaxManifestSize / (1 << 20)} MiB ({size}): refusing it, as containerd does"),
            cancellationToken).ConfigureAwait(false);
        Digest actual = Digest.Sha256Of(content);
        if (Digest.TryParse(tagOrDigest, out Digest expected) && expected != actual)
            throw new RegistryException($"manifest {where} has digest {actual}, not the {expected} asked for: refusing it");
        if (response.Headers.TryGetValues("Docker-Content-Digest", out IEnumerable<string>? header) &&
            Digest.TryParse(header.FirstOrDefault(), out Digest announced) && announced.Algorithm == Digest.Sha256 && announced != actual)
            throw new RegistryException($"manifest {where} has digest {actual}, but the registry announced {announced}: refusing it");
        string mediaType = response.Content.Headers.ContentType?.MediaType is { } type && ManifestTypes.Contains(type)
            ? type
            : ManifestSerializer.DetectMediaType(content);
        return new PulledManifest(new Descriptor(mediaType, actual, content.Length), content);
    }

    private async Task<Stream> OpenBlobAtAsync(ImageReference repository, Descriptor blob, long offset, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await SendAsync(repository, [Scope(repository, "pull")], $"fetching blob {blob.Digest}", _ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, Url(repository, $"blobs/{blob.Digest}"));
            if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
            return request;
        }, cancellationToken).ConfigureAwait(false);
        Stream stream = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            _options.IdleTimeout, $"{repository.Registry} (blob {blob.Digest})");
        if (offset > 0 && response.StatusCode != HttpStatusCode.PartialContent)
        {
            // The registry ignored the range: skip what was already read.
            byte[] skip = new byte[81920];
            long left = offset;
            while (left > 0)
            {
                int read = await stream.ReadAsync(skip.AsMemory(0, (int)Math.Min(skip.Length, left)), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                left -= read;
            }
        }
        return stream;
    }

    // Sends a request made by create (given the request's idle timeout, which an upload's body moves as it is read) and
    // returns once the headers came; the caller reads the body, if it wants it, under the idle timeout too.
    private async Task<HttpResponseMessage> SendAsync(ImageReference repository, string[] scopes, string what, Func<IdleTimeout, HttpRequestMessage> create,
        CancellationToken cancellationToken, bool allowNotFound = false)
    {
        string host = repository.Registry;
        string authKey = host + " " + string.Join(' ', scopes);
        bool challenged = false;
        for (int attempt = 1; ; attempt++)
        {
            using var timeout = new IdleTimeout(_options.IdleTimeout, cancellationToken);
            using HttpRequestMessage request = create(timeout);
            if (_authorization.TryGetValue(authKey, out AuthenticationHeaderValue? authorization) ||
                _authorization.TryGetValue(host, out authorization))
                request.Headers.Authorization = authorization;
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(request, host, what, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                int attempts = e is TimeoutException ? Math.Min(_options.TimedOutAttempts, _options.MaxAttempts) : _options.MaxAttempts;
                if (attempt >= attempts)
                    throw new RegistryException($"{host}/{repository.Repository}: {what} failed after {attempt} attempts: {e.Message}", inner: e);
                await DelayAsync(attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized && !challenged)
            {
                challenged = true;
                AuthChallenge? challenge = AuthChallenge.Parse(response.Headers.WwwAuthenticate.FirstOrDefault()?.ToString());
                response.Dispose();
                await AuthenticateAsync(host, authKey, scopes, challenge, cancellationToken).ConfigureAwait(false);
                attempt--;
                continue;
            }
            if (((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests) && attempt < _options.MaxAttempts)
            {
                response.Dispose();
                await DelayAsync(attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound)) return response;
            using (response)
                throw await ErrorAsync(response, $"{host}/{repository.Repository}: {what}", cancellationToken).ConfigureAwait(false);
        }
    }

    // One request, answered within the idle timeout (a connection within the connect timeout) or failed with a
    // TimeoutException naming the registry; while it waits, the Waiting callback hears about it now and then.
    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, string host, string what, IdleTimeout? timeout,
        CancellationToken cancellationToken)
    {
        using IdleTimeout own = new(_options.IdleTimeout, cancellationToken);
        IdleTimeout deadline = timeout ?? own;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        using Timer? report = _options.Waiting is { } waiting
            ? new Timer(_ => waiting($"{host}: {what}: no answer yet after {waited.Elapsed.TotalSeconds:0} s"), null,
                _options.WaitingReportInterval, _options.WaitingReportInterval)
            : null;
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(deadline.Expired
                ? $"{host} did not answer within {deadline.Idle.TotalSeconds:0.#} s"
                : $"{host}: no connection within {_options.ConnectTimeout.TotalSeconds:0.#} s", e);
        }
    }

    // A response body read whole, refused (tooLarge, given the size known so far) as soon as it passes limit: a declared
    // Content-Length over the limit is refused before anything is read. Each read has the idle timeout.
    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, long limit, string where, Func<string, Exception> tooLarge,
        CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is long declared && declared > limit)
            throw tooLarge($"{declared} bytes announced");
        await using var body = new IdleTimeoutStream(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            _options.IdleTimeout, where);
        using var content = new MemoryStream();
        byte[] buffer = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (content.Length + read > limit) throw tooLarge($"more than {limit} bytes sent");
            content.Write(buffer, 0, read);
        }
        return content.ToArray();
    }

    private async Task AuthenticateAsync(string host, string authKey, string[] scopes, AuthChallenge? challenge, CancellationToken cancellationToken)
    {
        RegistryCredential? credential = _options.Credentials?.Find(host);
        if (challenge is null || challenge.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            if (credential is null)
                throw new RegistryException($"{host} requires authentication: run 'imgbuild login {host}' or add it to {(_options.Credentials as DockerConfigCredentials)?.ConfigPath ?? "Docker's config.json"}", HttpStatusCode.Unauthorized, "UNAUTHORIZED");
            _authorization[host] = Basic(credential);
            return;
        }
        if (!challenge.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || !challenge.Parameters.TryGetValue("realm", out string? realm))
            throw new RegistryException($"{host} asked for '{challenge.Scheme}' authentication, which imgbuild does not speak", HttpStatusCode.Unauthorized);
        var query = new StringBuilder();
        if (challenge.Parameters.TryGetValue("service", out string? service)) query.Append("service=").Append(Uri.EscapeDataString(service));
        foreach (string scope in scopes)
            query.Append(query.Length > 0 ? "&" : "").Append("scope=").Append(Uri.EscapeDataString(scope));
        using var request = new HttpRequestMessage(HttpMethod.Get, realm + (realm.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query);
        if (credential is not null) request.Headers.Authorization = Basic(credential);
        string tokenService = new Uri(realm).GetLeftPart(UriPartial.Path);
        HttpResponseMessage answer;
        try
        {
            answer = await SendOnceAsync(request, host, $"getting a token from {tokenService}", null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException($"{host}: getting a token from {tokenService} failed: {e.Message}", HttpStatusCode.Unauthorized, inner: e);
        }
        using HttpResponseMessage response = answer;
        if (!response.IsSuccessStatusCode)
            throw await ErrorAsync(response, $"{host}: getting a token from {tokenService}", cancellationToken).ConfigureAwait(false);
        using JsonDocument token = JsonDocument.Parse(await ReadBodyAsync(response, MaxManifestSize, $"{host}: token from {tokenService}",
            size => new RegistryException($"{host}: the token tokenService {tokenService} answered with more than {MaxManifestSize / (1 << 20)} MiB ({size}): refusing it"),
            cancellationToken).ConfigureAwait(false));
        string? value = token.RootElement.TryGetProperty("token", out JsonElement t) ? t.GetString()
            : token.RootElement.TryGetProperty("access_token", out JsonElement a) ? a.GetString() : null;
        if (string.IsNullOrEmpty(value)) throw new RegistryException($"{host}: the token service answered without a token");
        _authorization[authKey] = new AuthenticationHeaderValue("Bearer", value);
    }

    private static AuthenticationHeaderValue Basic(RegistryCredential credential) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")));

    private async Task<RegistryException> ErrorAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        string? code = null, message = null;
        try
        {
            byte[] body = await ReadBodyAsync(response, MaxErrorBodySize, what, _ => new JsonException("error body too large"), cancellationToken).ConfigureAwait(false);
            using JsonDocument document = JsonDocument.Parse(body);
            if (document.RootElement.TryGetProperty("errors", out JsonElement errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
            {
                JsonElement first = errors[0];
                code = first.TryGetProperty("code", out JsonElement c) ? c.GetString() : null;
                message = first.TryGetProperty("message", out JsonElement m) ? m.GetString() : null;
            }
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            // The status says enough; the body was only read for the registry's own words.
        }
        string detail = code is null ? "" : $": {code}{(message is null ? "" : $" ({message})")}";
        return new RegistryException($"{what} failed with {(int)response.StatusCode} {response.ReasonPhrase}{detail}", response.StatusCode, code);
    }

    private Task DelayAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(_options.RetryDelay * Math.Pow(2, attempt - 1), cancellationToken);

    private Uri Url(ImageReference repository, string path) =>
        new(RegistryEndpoint.BaseUri(repository.Registry, _options.InsecureRegistries), $"/v2/{repository.Repository}/{path}");

    private Uri UploadLocation(ImageReference repository, HttpResponseMessage response)
    {
        Uri? location = response.Headers.Location
            ?? throw new RegistryException($"{repository.Name}: the registry started an upload without a Location");
        return location.IsAbsoluteUri ? location : new Uri(RegistryEndpoint.BaseUri(repository.Registry, _options.InsecureRegistries), location);
    }

    private static string Scope(ImageReference repository, string actions) => $"repository:{repository.Repository}:{actions}";
}
