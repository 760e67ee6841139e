using System.CommandLine;
using Builder.Cache.Distribution;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild login [SERVER] -u USER --password-stdin</c>: checks the credentials with the registry and stores them
/// in Docker's config (<c>auths</c>), where both imgbuild and docker find them. The password is never printed.
/// </summary>
internal static class LoginCommand
{
    public static Command Create(RegistryAccess registry, TextWriter stdout, TextWriter stderr, CliEnvironment environment)
    {
        var server = new Argument<string>("server") { Description = "The registry host (default: docker.io)", DefaultValueFactory = _ => "docker.io" };
        var username = new Option<string>("--username", "-u") { Description = "The user name", Required = true };
        var password = new Option<string?>("--password", "-p") { Description = "The password (prefer --password-stdin: a password in a command line is visible to other users)" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from stdin" };
        var command = new Command("login", "Log in to a registry") { server, username, password, passwordStdin };
        command.SetAction(async (result, cancellationToken) =>
        {
            string host = result.GetValue(server)!;
            string? secret = result.GetValue(passwordStdin) ? environment.StandardInput.ReadToEnd().TrimEnd('\n', '\r') : result.GetValue(password);
            if (string.IsNullOrEmpty(secret))
            {
                stderr.WriteLine("imgbuild: login needs a password: pass it with --password-stdin");
                return 1;
            }
            var credential = new RegistryCredential(result.GetValue(username)!, secret);
            var config = new DockerConfigCredentials(registry.ConfigPath);
            try
            {
                using var client = new RegistryClient(new RegistryClientOptions
                {
                    Credentials = new SingleCredential(host, credential),
                    InsecureRegistries = [.. result.GetValue(registry.InsecureOption) ?? []],
                });
                await client.LoginAsync(host, cancellationToken).ConfigureAwait(false);
                config.Save(host, credential);
            }
            catch (Exception e) when (e is RegistryException or IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"imgbuild: {e.Message}");
                return 1;
            }
            stdout.WriteLine($"Login Succeeded (saved in {config.ConfigPath})");
            return 0;
        });
        return command;
    }

    private sealed class SingleCredential(string host, RegistryCredential credential) : IRegistryCredentials
    {
        public RegistryCredential? Find(string registryHost) => registryHost == host ? credential : null;
    }
}
