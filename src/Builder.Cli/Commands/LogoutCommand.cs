using System.CommandLine;
using Builder.Cache.Distribution;

namespace Builder.Cli.Commands;

/// <summary><c>imgbuild logout [SERVER]</c>: forgets the credentials <c>login</c> saved in Docker's config.</summary>
internal static class LogoutCommand
{
    public static Command Create(RegistryAccess registry, TextWriter stdout, TextWriter stderr)
    {
        var server = new Argument<string>("server") { Description = "The registry host (default: docker.io)", DefaultValueFactory = _ => "docker.io" };
        var command = new Command("logout", "Log out from a registry") { server };
        command.SetAction(result =>
        {
            string host = result.GetValue(server)!;
            var config = new DockerConfigCredentials(registry.ConfigPath);
            try
            {
                stdout.WriteLine(config.Remove(host) ? $"Removing login credentials for {host}" : $"Not logged in to {host}");
                return 0;
            }
            catch (Exception e) when (e is RegistryException or IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"imgbuild: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
