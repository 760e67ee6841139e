using System.Diagnostics.CodeAnalysis;

namespace Builder.Oci;

/// <summary>
/// A content digest in the OCI form <c>algorithm:encoded</c>, for example <c>sha256:e3b0…</c>.
/// </summary>
/// <remarks>
/// Only the algorithms the OCI image spec registers are accepted (descriptor.md, "Registered algorithms"):
/// <c>sha256</c> (64 lowercase hex characters) and <c>sha512</c> (128). The spec requires lowercase hex for both.
/// </remarks>
public readonly record struct Digest
{
    /// <summary>The <c>sha256</c> algorithm name.</summary>
    public const string Sha256 = "sha256";

    /// <summary>The <c>sha512</c> algorithm name.</summary>
    public const string Sha512 = "sha512";

    /// <summary>Creates a digest, checking the algorithm and the encoded part.</summary>
    /// <exception cref="FormatException">The algorithm is not registered or the encoded part does not fit it.</exception>
    public Digest(string algorithm, string encoded)
    {
        if (Validate(algorithm, encoded) is { } problem)
            throw new FormatException($"'{algorithm}:{encoded}' is not a valid digest: {problem}");
        (Algorithm, Encoded) = (algorithm, encoded);
    }

    /// <summary>The algorithm, <c>sha256</c> or <c>sha512</c>.</summary>
    public string Algorithm { get; }

    /// <summary>The lowercase hex encoding of the hash.</summary>
    public string Encoded { get; }

    /// <summary>Parses <c>algorithm:encoded</c>.</summary>
    /// <exception cref="FormatException"><paramref name="value"/> is not a valid digest; the message quotes it.</exception>
    public static Digest Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int colon = value.IndexOf(':');
        if (colon < 0)
            throw new FormatException($"'{value}' is not a valid digest: expected 'sha256:<64 lowercase hex characters>'");
        string algorithm = value[..colon], encoded = value[(colon + 1)..];
        if (Validate(algorithm, encoded) is { } problem)
            throw new FormatException($"'{value}' is not a valid digest: {problem}");
        return new Digest(algorithm, encoded);
    }

    /// <summary>Parses <c>algorithm:encoded</c>, returning <see langword="false"/> instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest)
    {
        digest = default;
        if (value is null)
            return false;
        int colon = value.IndexOf(':');
        if (colon < 0 || Validate(value[..colon], value[(colon + 1)..]) is not null)
            return false;
        digest = new Digest(value[..colon], value[(colon + 1)..]);
        return true;
    }

    /// <summary>The sha256 digest of <paramref name="content"/>, a small input held in memory (a key, a config, a manifest).</summary>
    public static Digest Sha256Of(ReadOnlySpan<byte> content) =>
        new(Sha256, Convert.ToHexStringLower(Sha256Hasher.HashData(content)));

    /// <summary>The OCI form, <c>sha256:&lt;hex&gt;</c>.</summary>
    public override string ToString() => $"{Algorithm}:{Encoded}";

    private static string? Validate(string? algorithm, string? encoded)
    {
        int length = algorithm switch
        {
            Sha256 => 64,
            Sha512 => 128,
            _ => -1,
        };
        if (length < 0)
            return $"the algorithm must be '{Sha256}' or '{Sha512}', got '{algorithm}'";
        if (encoded is null || encoded.Length != length)
            return $"a {algorithm} digest has {length} hex characters, got {encoded?.Length ?? 0}";
        foreach (char c in encoded)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
                return $"the encoded part must be lowercase hex, found '{c}'";
        }
        return null;
    }
}
