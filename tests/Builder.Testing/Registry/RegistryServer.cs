using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Builder.Testing.Registry;

/// <summary>
/// A real registry: Debian's <c>docker-registry</c> (the CNCF distribution registry) on 127.0.0.1 with a free
/// port and its own storage, optionally behind htpasswd basic auth. Killed and deleted on dispose.
/// </summary>
public sealed class RegistryServer : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly TokenServer? _tokens;

    /// <summary>
    /// Starts a registry; with <paramref name="username"/> and <paramref name="password"/> it requires them, through
    /// htpasswd basic auth, or with <paramref name="bearerTokens"/> through a <see cref="TokenServer"/> of its own.
    /// </summary>
    public RegistryServer(string? username = null, string? password = null, bool bearerTokens = false, bool accessLog = false)
    {
        string registry = RequiredTool.Find("docker-registry", "docker-registry");
        _directory = Directory.CreateTempSubdirectory("imgbuild-registry-").FullName;
        Port = FreePort();
        string auth = "";
        if (bearerTokens && username is not null && password is not null)
        {
            _tokens = new TokenServer(_directory, username, password);
            auth = $"auth:\n  token:\n    realm: {_tokens.Realm}\n    service: {TokenServer.Service}\n    issuer: {TokenServer.Issuer}\n    rootcertbundle: {_tokens.CertificatePemPath}\n";
        }
        else if (username is not null && password is not null)
        {
            string htpasswd = ProcessRunner.Run(RequiredTool.Find("htpasswd", "apache2-utils"), ["-Bbn", username, password]);
            File.WriteAllText(Path.Combine(_directory, "htpasswd"), htpasswd);
            auth = $"auth:\n  htpasswd:\n    realm: imgbuild-test\n    path: {_directory}/htpasswd\n";
        }
        string config = Path.Combine(_directory, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: {(accessLog ? "false" : "true")}
            storage:
              filesystem:
                rootdirectory: {_directory}/data
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{Port}
            {auth}
            """);
        var start = new ProcessStartInfo(registry) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is { } line) _log.Enqueue(line); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) _log.Enqueue(line); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilAnswering();
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log = new();

    /// <summary>What the registry printed: with <c>accessLog</c>, one Apache combined-format line per request.</summary>
    public IReadOnlyList<string> Log => [.. _log];

    /// <summary>
    /// The blob downloads in the access log so far (<c>GET /v2/…/blobs/…</c> answered 200 or 206): each blob's digest
    /// and the bytes sent, what crossed the wire to clients as the registry itself counts it.
    /// </summary>
    public IReadOnlyList<(string Digest, long Bytes)> BlobDownloads() =>
        [.. Log.Select(l => System.Text.RegularExpressions.Regex.Match(l, "\"GET /v2/[^ ]*/blobs/(sha256:[0-9a-f]{64}) HTTP/[0-9.]+\" (?:200|206) ([0-9]+)"))
            .Where(m => m.Success)
            .Select(m => (m.Groups[1].Value, long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)))];

    /// <summary>The token service, when the registry uses bearer tokens.</summary>
    public TokenServer? Tokens => _tokens;

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>, the registry part of an image reference.</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>
    /// Copies the busybox fixture into <paramref name="repository"/> as <c>:latest</c> with skopeo, an independent
    /// pusher, and returns the full reference.
    /// </summary>
    public string SeedBusybox(string repository, string? username = null, string? password = null) =>
        Seed(Images.BusyboxImage.OciLayoutDirectory, repository, username, password);

    /// <summary>
    /// Copies <see cref="Images.MultiPlatformBaseImage"/> (an index of linux/amd64 and linux/arm64) into
    /// <paramref name="repository"/> as <c>:latest</c> with skopeo, every platform, and returns the full reference.
    /// </summary>
    public string SeedMultiPlatform(string repository) => Seed(Images.MultiPlatformBaseImage.OciLayoutDirectory, repository, allPlatforms: true);

    /// <summary>
    /// Copies the OCI layout at <paramref name="layout"/> (tag <c>latest</c>) into <paramref name="repository"/> with
    /// skopeo: an index's every platform with <paramref name="allPlatforms"/>, else this machine's.
    /// </summary>
    public string Seed(string layout, string repository, string? username = null, string? password = null, bool allPlatforms = false)
    {
        string reference = $"{Host}/{repository}:latest";
        var arguments = new List<string> { "copy", "--quiet", "--dest-tls-verify=false" };
        if (allPlatforms) arguments.Add("--all");
        if (username is not null) arguments.Add($"--dest-creds={username}:{password}");
        arguments.Add($"oci:{layout}:latest");
        arguments.Add($"docker://{reference}");
        ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), arguments, timeout: TimeSpan.FromMinutes(10));
        return reference;
    }

    /// <summary>Stops the registry and deletes its storage.</summary>
    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _tokens?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private void WaitUntilAnswering()
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        DateTime giveUp = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < giveUp)
        {
            if (_process.HasExited) throw new InvalidOperationException($"docker-registry exited with {_process.ExitCode} at start");
            try
            {
                HttpStatusCode status = client.GetAsync($"http://{Host}/v2/").GetAwaiter().GetResult().StatusCode;
                if (status is HttpStatusCode.OK or HttpStatusCode.Unauthorized) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            Thread.Sleep(100);
        }
        throw new InvalidOperationException("docker-registry did not answer on /v2/ within 30 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
