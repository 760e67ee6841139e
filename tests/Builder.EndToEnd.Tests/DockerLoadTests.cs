using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// <c>imgbuild build --load</c> and <c>--output type=docker</c> without <c>dest</c>: the image goes into the Docker
/// engine the tests start, through its socket API, and <c>docker run</c> runs it.
/// </summary>
public sealed class DockerLoadTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-load-e2e-").FullName;
    private readonly List<string> _tags = [];

    private (int Status, string Out, string Err) Imgbuild(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        InProcessImgbuild.Run(environment, ["--root", Path.Combine(_root, "store"), .. args]);

    private string Tag()
    {
        string tag = $"imgbuild-e2e/load:{Guid.NewGuid():N}";
        _tags.Add(tag);
        return tag;
    }

    private string Context(string message) => TestContext.WithDockerfile(_root, $"""
        FROM {_registry.SeedBusybox("library/busybox")}
        RUN echo base-step > /base
        ARG MESSAGE
        RUN echo "$MESSAGE" > /message
        CMD ["sh", "-c", "cat /base /message"]
        """ + "\n" + $"# {message}\n");

    [Fact]
    public void Build_Load_DockerRunsTheImage()
    {
        RequiredTool.RequireRoot();
        _ = DockerEngine.Docker;
        string tag = Tag();

        var build = Imgbuild(new Dictionary<string, string?>(), "build", "--load", "-t", tag, "--build-arg", "MESSAGE=loaded", Context("first"));

        Assert.True(build.Status == 0, build.Err);
        Assert.Contains("loaded into the Docker engine at unix:///var/run/docker.sock: 3 layers sent, 0 it had", build.Err, StringComparison.Ordinal);
        Assert.Equal("base-step\nloaded\n", DockerEngine.Run("run", "--rm", "--network=none", tag));
    }

    [Fact]
    public void Build_OutputTypeDockerTwice_SecondLoadSendsOnlyTheChangedLayer()
    {
        RequiredTool.RequireRoot();
        _ = DockerEngine.Docker;
        string tag = Tag();
        string context = Context("second");

        var first = Imgbuild(new Dictionary<string, string?>(), "build", "-o", "type=docker", "-t", tag, "--build-arg", "MESSAGE=one", context);
        var second = Imgbuild(new Dictionary<string, string?>(), "build", "-o", "type=docker", "-t", tag, "--build-arg", "MESSAGE=two", context);

        Assert.True(first.Status == 0, first.Err);
        Assert.True(second.Status == 0, second.Err);
        // The base layer and the first RUN's are Docker's already (the previous image of this tag): only the last is sent.
        Assert.Contains("1 layers sent, 2 it had", second.Err, StringComparison.Ordinal);
        Assert.Equal("base-step\ntwo\n", DockerEngine.Run("run", "--rm", "--network=none", tag));
    }

    [Fact]
    public void Build_LoadWithNoEngineAtDockerHost_FailsNamingIt()
    {
        RequiredTool.RequireRoot();
        string socket = Path.Combine(_root, "no-docker.sock");

        var build = Imgbuild(new Dictionary<string, string?> { ["DOCKER_HOST"] = $"unix://{socket}" },
            "build", "--load", "-t", Tag(), "--build-arg", "MESSAGE=x", Context("nowhere"));

        Assert.Equal(1, build.Status);
        Assert.Contains($"no Docker engine answers at unix://{socket}", build.Err, StringComparison.Ordinal);
        Assert.Contains("set DOCKER_HOST", build.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", build.Err, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (string tag in _tags)
        {
            try { DockerEngine.Run("rmi", "--force", tag); }
            catch (InvalidOperationException) { } // never loaded (the failure tests)
        }
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
