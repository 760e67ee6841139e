using System.Net;

namespace Builder.Cache.Tests.Distribution;

/// <summary>Answers the first <paramref name="failures"/> requests with 503 (as a registry behind a restarting proxy would), then passes them on.</summary>
internal sealed class UnavailableOnceHandler(int failures) : DelegatingHandler(new SocketsHttpHandler())
{
    private int _seen;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Interlocked.Increment(ref _seen) <= failures
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request })
            : base.SendAsync(request, cancellationToken);
}
