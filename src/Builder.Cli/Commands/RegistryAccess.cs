using System.Collections.Immutable;
using System.CommandLine;
using Builder.Cache.Distribution;

namespace Builder.Cli.Commands;

/// <summary>The global <c>--insecure-registry</c> option and the registry client the commands share.</summary>
internal sealed class RegistryAccess(CliEnvironment environment)
{
    public Option<string[]> InsecureOption { get; } = new("--insecure-registry")
    {
        Description = "A registry host (host:port) reached over plain HTTP although it is not loopback; repeatable",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Docker's client config file: <c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c>.</summary>
    public string ConfigPath => DockerConfigCredentials.DefaultPath(environment.Variable);

    /// <summary>A client using the credentials of the Docker config (<c>$DOCKER_CONFIG</c> or <c>~/.docker</c>).</summary>
    public RegistryClient CreateClient(ParseResult result) => new(new RegistryClientOptions
    {
        Credentials = new DockerConfigCredentials(ConfigPath),
        InsecureRegistries = [.. result.GetValue(InsecureOption) ?? []],
    });
}
