using System.Net;

namespace Builder.Cache.Distribution;

/// <summary>
/// A registry refused or failed a request. The message names the registry, the repository, what was being done,
/// the HTTP status and the registry's own error code and message; never a credential.
/// </summary>
public sealed class RegistryException : Exception
{
    /// <summary>Creates the error.</summary>
    public RegistryException(string message, HttpStatusCode? status = null, string? errorCode = null, Exception? inner = null)
        : base(message, inner) => (Status, ErrorCode) = (status, errorCode);

    /// <summary>The HTTP status, if a response came.</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>The distribution-spec error code (<c>MANIFEST_UNKNOWN</c>, <c>UNAUTHORIZED</c>, …), if the body had one.</summary>
    public string? ErrorCode { get; }
}
