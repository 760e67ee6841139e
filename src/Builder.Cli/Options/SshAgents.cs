using System.Collections.Immutable;
using System.Net.Sockets;
using Builder.Cli.Options;

namespace Builder.Cli.Options;

/// <summary>
/// docker buildx's <c>--ssh</c>: <c>default</c> (the agent at <c>$SSH_AUTH_SOCK</c>) or <c>ID=SOCKET</c>. Each is
/// checked to be an agent socket that accepts connections; private key files, which buildx loads into an agent of
/// its own, are not supported yet.
/// </summary>
internal static class SshAgents
{
    /// <exception cref="FormatException">No socket given and no <c>SSH_AUTH_SOCK</c>, or a path that is not a listening socket.</exception>
    public static ImmutableDictionary<string, string> Parse(IEnumerable<string> values, Func<string, string?> environment)
    {
        var agents = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            // ID=PATH[,PATH…] as a CSV record: the first field holds the id, and a quoted one may hold a comma.
            ImmutableArray<string> fields = CsvOptionList.SplitFields("--ssh", value);
            string[] parts = fields[0].Split('=', 2);
            string id = parts[0].Trim();
            if (id.Length == 0) throw new FormatException($"--ssh '{value}' has no id: write default or ID=SOCKET");
            if (fields.Length > 1)
                throw new FormatException($"--ssh {value}: not supported yet: several paths for one id");
            string socket = parts.Length > 1 && parts[1].Length > 0 ? parts[1]
                : environment("SSH_AUTH_SOCK") is { Length: > 0 } fromEnvironment ? fromEnvironment
                : throw new FormatException($"--ssh {id}: SSH_AUTH_SOCK is not set; start an agent or write {id}=SOCKET");
            try
            {
                using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                probe.Connect(new UnixDomainSocketEndPoint(Path.GetFullPath(socket)));
            }
            catch (SocketException e)
            {
                throw new FormatException($"--ssh {id}={socket}: not an SSH agent socket that answers ({e.Message}); private key files are not supported yet, load them into ssh-agent");
            }
            agents[id] = Path.GetFullPath(socket);
        }
        return agents.ToImmutable();
    }
}
