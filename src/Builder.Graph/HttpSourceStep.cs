using Builder.Oci;

namespace Builder.Graph;

/// <summary>A file downloaded over HTTP(S) (<c>ADD https://…</c>); BuildKit's <c>https://</c> source.</summary>
/// <param name="Url">The absolute URL.</param>
/// <param name="Checksum">The expected digest of the content (<c>ADD --checksum</c>), checked after download.</param>
/// <param name="FileName">The name of the file in the result; <see langword="null"/> takes it from the URL.</param>
public sealed record HttpSourceStep(Uri Url, Digest? Checksum = null, string? FileName = null) : BuildStep
{
    /// <summary>The absolute URL.</summary>
    public Uri Url { get; init; } = Url is { IsAbsoluteUri: true }
        ? Url
        : throw new ArgumentException($"'{Url}' is not an absolute URL", nameof(Url));

    internal override string Kind => "http";

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.String("url", Url.AbsoluteUri);
        writer.String("checksum", Checksum?.ToString());
        writer.String("fileName", FileName);
    }

    internal override string Describe() => Url.AbsoluteUri;
}
