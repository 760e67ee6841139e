namespace Builder.Graph;

/// <summary>
/// A line added to a RUN container's <c>/etc/hosts</c> (<c>--add-host HOST:IP</c>); BuildKit's <c>HostIP</c> of an
/// <c>ExecOp</c>'s meta, written by its executor as <c>IP\tHOST</c> after the standard lines (executor/oci/hosts.go).
/// </summary>
/// <param name="Host">The host name.</param>
/// <param name="Address">The IP address, as written (IPv4 or IPv6).</param>
public sealed record ExtraHost(string Host, string Address);
