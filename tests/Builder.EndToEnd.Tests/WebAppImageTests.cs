using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Builder.Testing;
using Builder.Testing.Images;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// The sample web app in <c>testdata/msbuild/webapp</c> published with <c>dotnet publish -p:ImgBuildEnabled=true</c>,
/// with a Dockerfile and without one, on a Debian base with this machine's .NET runtime served by a loopback
/// registry; the image is then unpacked with umoci, run with runc on the host network, and asked for its page.
/// </summary>
public sealed class WebAppImageTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-webapp-e2e-").FullName;
    private readonly string _project;
    private readonly int _port;

    public WebAppImageTests()
    {
        _project = Directory.CreateDirectory(Path.Combine(_root, "webapp")).FullName;
        foreach (string file in Directory.GetFiles(Path.Combine(PackagedProject.Repository, "testdata", "msbuild", "webapp")))
            File.Copy(file, Path.Combine(_project, Path.GetFileName(file)));
        PackagedProject.UseFeed(_project);
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            _port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
    }

    private string Publish(string baseImage, string archive)
    {
        File.WriteAllText(Path.Combine(_project, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <ImgBuildRoot>{_root}/store</ImgBuildRoot>
                <ContainerBaseImage>{baseImage}</ContainerBaseImage>
                <ImgBuildOutput>type=oci,dest={archive}</ImgBuildOutput>
              </PropertyGroup>
              <ItemGroup>
                <ContainerEnvironmentVariable Include="ASPNETCORE_URLS" Value="http://127.0.0.1:{_port}" />
                <ContainerEnvironmentVariable Include="GREETING_NAME" Value="tester" />
              </ItemGroup>
            </Project>
            """);
        (int status, string output) = PackagedProject.Publish(_project, _root);
        Assert.True(status == 0, output);
        return output;
    }

    // umoci makes the runtime bundle from the image; runc runs it on the host's network so the test can connect.
    private async Task<string> RunAndGetAsync(string archive, string name)
    {
        string layout = Path.Combine(_root, name + "-layout"), bundle = Path.Combine(_root, name + "-bundle");
        ProcessRunner.Run(RequiredTool.Find("skopeo", "skopeo"), ["copy", $"oci-archive:{archive}", $"oci:{layout}:latest"], timeout: TimeSpan.FromMinutes(5));
        ProcessRunner.Run(RequiredTool.Find("umoci", "umoci"), ["unpack", "--image", $"{layout}:latest", bundle], timeout: TimeSpan.FromMinutes(5));
        string configPath = Path.Combine(bundle, "config.json");
        JsonNode config = JsonNode.Parse(File.ReadAllText(configPath))!;
        JsonArray namespaces = config["linux"]!["namespaces"]!.AsArray();
        foreach (JsonNode? network in namespaces.Where(n => n?["type"]?.GetValue<string>() == "network").ToList()) namespaces.Remove(network);
        config["process"]!["terminal"] = false;
        File.WriteAllText(configPath, config.ToJsonString());
        string runc = RequiredTool.Find("runc", "runc");
        string id = "imgbuild-webapp-" + Guid.NewGuid().ToString("N")[..8];
        ProcessRunner.Shell($"{runc} run -d --bundle {bundle} {id} >{_root}/{name}.log 2>&1 </dev/null");
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            DateTime giveUp = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                try
                {
                    return await http.GetStringAsync($"http://127.0.0.1:{_port}/");
                }
                catch (Exception e) when ((e is HttpRequestException or TaskCanceledException) && DateTime.UtcNow < giveUp)
                {
                    await Task.Delay(250);
                }
            }
        }
        finally
        {
            ProcessRunner.Shell($"{runc} delete --force {id} >/dev/null 2>&1 || true");
        }
    }

    [Fact]
    public async Task Publish_WithoutADockerfile_ImageRunsAndAnswers()
    {
        RequiredTool.RequireRoot();
        string runtime = _registry.Seed(DotnetRuntimeImage.OciLayoutDirectory, "dotnet/aspnet");
        string archive = Path.Combine(_root, "sdk-way.tar");

        Publish(runtime, archive);

        Assert.Equal("hello from an imgbuild image, tester", await RunAndGetAsync(archive, "sdk-way"));
    }

    [Fact]
    public async Task Publish_WithADockerfile_ImageRunsAndAnswers()
    {
        RequiredTool.RequireRoot();
        string runtime = _registry.Seed(DotnetRuntimeImage.OciLayoutDirectory, "dotnet/aspnet");
        File.WriteAllText(Path.Combine(_project, "Dockerfile"), $"""
            FROM {runtime}
            WORKDIR /srv
            COPY bin/Release/net10.0/publish/ .
            ENV ASPNETCORE_URLS=http://127.0.0.1:{_port} GREETING_NAME=dockerfile
            ENTRYPOINT ["dotnet", "webapp.dll"]
            """);
        string archive = Path.Combine(_root, "dockerfile-way.tar");

        Publish(runtime, archive);

        Assert.Equal("hello from an imgbuild image, dockerfile", await RunAndGetAsync(archive, "dockerfile-way"));
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
