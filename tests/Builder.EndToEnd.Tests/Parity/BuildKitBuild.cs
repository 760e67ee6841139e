using Builder.Testing;

namespace Builder.EndToEnd.Tests.Parity;

/// <summary>Builds with the Docker engine's BuildKit (<c>DOCKER_BUILDKIT=1 docker build --network=host</c>), the reference imgbuild is compared with.</summary>
public static class BuildKitBuild
{
    /// <summary>Builds <paramref name="context"/> (its Dockerfile) and tags the image <paramref name="tag"/> in the engine.</summary>
    /// <exception cref="InvalidOperationException">The build failed; the message has BuildKit's output.</exception>
    public static void Run(string tag, string context, IEnumerable<string> options) =>
        ProcessRunner.Run(DockerEngine.Docker, ["build", "--network=host", "-q", "-t", tag, .. options, context],
            environment: new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = "1" }, timeout: TimeSpan.FromMinutes(5));
}
