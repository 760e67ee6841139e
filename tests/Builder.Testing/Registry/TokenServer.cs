using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Builder.Testing.Registry;

/// <summary>
/// A token service for a registry's bearer auth (the Docker registry token authentication spec): checks basic
/// credentials and issues RS256 JWTs granting the requested repository scopes, signed by a self-signed certificate
/// the registry trusts (<see cref="CertificatePemPath"/> is its <c>rootcertbundle</c>; the token names the certificate
/// in its <c>x5c</c> header).
/// </summary>
public sealed class TokenServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly string _username;
    private readonly string _password;
    private readonly CancellationTokenSource _stop = new();
    private int _issued;

    /// <summary>Starts the service on a free loopback port, accepting <paramref name="username"/>/<paramref name="password"/>.</summary>
    public TokenServer(string directory, string username, string password)
    {
        (_username, _password) = (username, password);
        var request = new CertificateRequest("CN=imgbuild-test-token-issuer", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        CertificatePemPath = Path.Combine(directory, "token-issuer.pem");
        File.WriteAllText(CertificatePemPath, _certificate.ExportCertificatePem());
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    /// <summary>The issuer name the registry must expect.</summary>
    public const string Issuer = "imgbuild-test-issuer";

    /// <summary>The service name the registry announces.</summary>
    public const string Service = "imgbuild-test-registry";

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>The realm URL the registry sends clients to.</summary>
    public string Realm => $"http://127.0.0.1:{Port}/token";

    /// <summary>The issuer certificate in PEM, for the registry's <c>rootcertbundle</c>.</summary>
    public string CertificatePemPath { get; }

    /// <summary>How many tokens were issued.</summary>
    public int TokensIssued => _issued;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                Answer(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        string? header = context.Request.Headers["Authorization"];
        string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_username}:{_password}"));
        if (header != expected)
        {
            context.Response.StatusCode = 401;
            context.Response.Close();
            return;
        }
        string[] scopes = context.Request.QueryString.GetValues("scope") ?? [];
        var access = scopes.Select(scope => scope.Split(':')).Where(parts => parts.Length == 3)
            .Select(parts => new { type = parts[0], name = parts[1], actions = parts[2].Split(',') }).ToArray();
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string jwt = Sign(new
        {
            iss = Issuer,
            sub = _username,
            aud = Service,
            exp = now + 300,
            nbf = now - 10,
            iat = now,
            jti = Guid.NewGuid().ToString("N"),
            access,
        });
        Interlocked.Increment(ref _issued);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new { token = jwt, expires_in = 300 });
        context.Response.ContentType = "application/json";
        context.Response.OutputStream.Write(body);
        context.Response.Close();
    }

    private string Sign(object claims)
    {
        var headerJson = new { typ = "JWT", alg = "RS256", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } };
        string signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(headerJson)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        byte[] signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Stops the service.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _certificate.Dispose();
        _key.Dispose();
        _stop.Dispose();
    }
}
