using System.Net;
using System.Net.Sockets;
using Builder.Oci;
using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>ADD of an http URL, served by a small HttpListener on loopback, with and without --checksum.</summary>
public sealed class AddUrlBuildTests : IDisposable
{
    private const string Payload = "downloaded payload\n";
    private readonly RegistryServer _registry = new();
    private readonly HttpListener _server = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-add-e2e-").FullName;
    private readonly string _url;

    public AddUrlBuildTests()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        _url = $"http://127.0.0.1:{port}/files/payload.txt";
        _server.Prefixes.Add($"http://127.0.0.1:{port}/");
        _server.Start();
        _ = Task.Run(async () =>
        {
            while (_server.IsListening)
            {
                HttpListenerContext context;
                try { context = await _server.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                byte[] body = System.Text.Encoding.UTF8.GetBytes(Payload);
                context.Response.Headers["Last-Modified"] = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc).ToString("R");
                context.Response.OutputStream.Write(body);
                context.Response.Close();
            }
        });
    }

    private (int Status, string Out, string Err) Imgbuild(string dockerfile, params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, "store"), .. args, TestContext.WithDockerfile(_root, dockerfile)]);

    [Fact]
    public void Build_AddUrlWithChecksum_FileHasContentMode600AndServerTime()
    {
        RequiredTool.RequireRoot();
        string rootfs = Path.Combine(_root, "rootfs");
        Digest checksum = Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(Payload));

        var (status, _, error) = Imgbuild($"FROM {_registry.SeedBusybox("library/busybox")}\nADD --checksum={checksum} {_url} /downloads/\n",
            "--output", $"type=local,dest={rootfs}");

        Assert.True(status == 0, error);
        string file = Path.Combine(rootfs, "downloads", "payload.txt");
        Assert.Equal(Payload, File.ReadAllText(file));
        Assert.Equal("600", ProcessRunner.Run("stat", ["-c", "%a", file]).Trim());
        Assert.Equal(new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc), File.GetLastWriteTimeUtc(file));
    }

    [Fact]
    public void Build_AddUrlWrongChecksum_FailsNamingBothDigests()
    {
        RequiredTool.RequireRoot();
        Digest wrong = Digest.Sha256Of("something else"u8);

        var (status, _, error) = Imgbuild($"FROM {_registry.SeedBusybox("library/busybox")}\nADD --checksum={wrong} {_url} /downloads/\n", "-t", "bad:1");

        Assert.Equal(1, status);
        Assert.Contains(wrong.ToString(), error, StringComparison.Ordinal);
        Assert.Contains(Digest.Sha256Of(System.Text.Encoding.UTF8.GetBytes(Payload)).ToString(), error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _server.Close();
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
