using System.Collections.Immutable;

namespace Builder.Solver.Runtime;

/// <summary>
/// The <c>/etc/hosts</c>, <c>/etc/resolv.conf</c> and <c>/etc/hostname</c> a build container sees, generated in
/// its bundle and bind-mounted read-only, so the image's own files are untouched and nothing of them is in a layer.
/// </summary>
public static class NetworkFiles
{
    /// <summary>Writes the three files into <paramref name="bundleDirectory"/> and returns their mounts.</summary>
    /// <param name="bundleDirectory">The container's bundle.</param>
    /// <param name="hostname">The container's hostname.</param>
    /// <param name="extraHosts">Lines for <c>--add-host</c>, written <c>IP\tHOST</c> after the standard ones as BuildKit's
    /// executor writes them (executor/oci/hosts.go).</param>
    public static ImmutableArray<ContainerMount> Write(string bundleDirectory, string hostname, IEnumerable<Builder.Graph.ExtraHost>? extraHosts = null)
    {
        ArgumentNullException.ThrowIfNull(bundleDirectory);
        string hosts = Path.Combine(bundleDirectory, "hosts");
        File.WriteAllText(hosts,
            $"127.0.0.1\tlocalhost {hostname}\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
            string.Concat((extraHosts ?? []).Select(h => $"{h.Address}\t{h.Host}\n")));
        string resolv = Path.Combine(bundleDirectory, "resolv.conf");
        File.WriteAllText(resolv, File.Exists("/etc/resolv.conf") ? File.ReadAllText("/etc/resolv.conf") : "nameserver 8.8.8.8\n");
        string hostnameFile = Path.Combine(bundleDirectory, "hostname");
        File.WriteAllText(hostnameFile, hostname + "\n");
        return
        [
            new("/etc/hosts", "bind", hosts, ["rbind", "ro"]),
            new("/etc/resolv.conf", "bind", resolv, ["rbind", "ro"]),
            new("/etc/hostname", "bind", hostnameFile, ["rbind", "ro"]),
        ];
    }
}
