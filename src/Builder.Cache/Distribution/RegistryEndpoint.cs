using System.Collections.Immutable;
using System.Net;

namespace Builder.Cache.Distribution;

/// <summary>
/// Where a registry host is reached: Docker Hub's <c>docker.io</c> is served by <c>registry-1.docker.io</c>, and
/// plain HTTP is used only for loopback hosts and those named as insecure (<c>--insecure-registry</c>), as Docker does.
/// </summary>
public static class RegistryEndpoint
{
    /// <summary>The base URI (<c>https://registry-1.docker.io</c>, <c>http://127.0.0.1:5000</c>) for <paramref name="host"/>.</summary>
    public static Uri BaseUri(string host, ImmutableHashSet<string> insecureRegistries)
    {
        ArgumentNullException.ThrowIfNull(host);
        string target = host is "docker.io" or "index.docker.io" ? "registry-1.docker.io" : host;
        bool plain = IsLoopback(host) || (insecureRegistries?.Contains(host) ?? false);
        return new Uri($"{(plain ? "http" : "https")}://{target}");
    }

    /// <summary>Whether <paramref name="host"/> (with or without port) is <c>localhost</c>, in 127.0.0.0/8 or <c>::1</c>.</summary>
    public static bool IsLoopback(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        string name = host;
        if (name.StartsWith('['))
            name = name[1..name.IndexOf(']', StringComparison.Ordinal)];
        else if (name.Count(c => c == ':') == 1)
            name = name[..name.IndexOf(':', StringComparison.Ordinal)];
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(name, out IPAddress? address) && IPAddress.IsLoopback(address);
    }
}
