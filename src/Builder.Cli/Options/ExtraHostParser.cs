using System.Collections.Immutable;
using System.Net;
using Builder.Graph;

namespace Builder.Cli.Options;

/// <summary>
/// buildx's <c>--add-host HOST:IP</c> (or <c>HOST=IP</c>; several addresses comma-separated, IPv6 in brackets or
/// not), as buildx's toBuildkitExtraHosts reads it; names are lower-cased, as BuildKit's parseExtraHosts does.
/// </summary>
internal static class ExtraHostParser
{
    /// <exception cref="FormatException">A value without a host or address, an address that is not an IP, or host-gateway.</exception>
    /// <exception cref="NotSupportedException"><c>host-gateway</c>.</exception>
    public static ImmutableArray<ExtraHost> Parse(IEnumerable<string> values)
    {
        var hosts = ImmutableArray.CreateBuilder<ExtraHost>();
        foreach (string value in values)
        {
            int cut = value.IndexOf('=', StringComparison.Ordinal);
            if (cut < 0) cut = value.IndexOf(':', StringComparison.Ordinal);
            if (cut <= 0 || cut == value.Length - 1)
                throw new FormatException($"invalid --add-host '{value}': write HOST:IP, for example --add-host db:10.0.0.5");
            (string host, string addresses) = (value[..cut].ToLowerInvariant(), value[(cut + 1)..]);
            if (addresses == "host-gateway")
                throw new NotSupportedException($"not supported yet: --add-host {host}:host-gateway (RUN steps share the host's network; write an address of this machine)");
            foreach (string written in addresses.Split(','))
            {
                string address = written is ['[', .., ']'] ? written[1..^1] : written;
                if (!IPAddress.TryParse(address, out IPAddress? ip) || address.Contains('%', StringComparison.Ordinal))
                    throw new FormatException($"invalid --add-host '{value}': '{address}' is not an IP address");
                hosts.Add(new ExtraHost(host, ip.ToString()));
            }
        }
        return hosts.ToImmutable();
    }
}
