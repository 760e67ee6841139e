using System.Security.Cryptography;
using Builder.Oci;
using Builder.Graph;

namespace Builder.Solver.Sources;

/// <summary>
/// Downloads the file of an <c>ADD https://…</c> (<see cref="HttpSourceStep"/>) into a directory, as BuildKit's http
/// source does: mode 0600, the time from <c>Last-Modified</c>, and with <c>--checksum</c> the bytes verified — a
/// mismatch fails the build.
/// </summary>
public sealed class HttpDownloader(HttpClient http)
{
    /// <summary>Downloads <paramref name="step"/>'s URL to <c>directory/FileName</c>.</summary>
    /// <exception cref="IOException">The server answered with an error, or the content does not match <c>--checksum</c>.</exception>
    public async Task DownloadAsync(HttpSourceStep step, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        Directory.CreateDirectory(directory);
        string target = Path.Combine(directory, step.FileName ?? "index.html");
        using HttpResponseMessage response = await http.GetAsync(step.Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new IOException($"ADD {step.Url}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
        await using (FileStream file = File.Create(target))
        {
            byte[] buffer = new byte[1 << 16];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        var actual = new Digest(Digest.Sha256, Convert.ToHexStringLower(hash.GetHashAndReset()));
        if (step.Checksum is { } expected && expected != actual)
        {
            File.Delete(target);
            throw new IOException($"ADD {step.Url}: the content has digest {actual}, not the --checksum {expected}");
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (response.Content.Headers.LastModified is { } modified) File.SetLastWriteTimeUtc(target, modified.UtcDateTime);
    }
}
