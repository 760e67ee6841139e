using System.Collections.Immutable;

namespace Builder.Cache.Distribution;

/// <summary>
/// A <c>WWW-Authenticate</c> challenge: <c>Basic realm="…"</c> or <c>Bearer realm="…",service="…",scope="…"</c>
/// (the Docker registry token authentication spec).
/// </summary>
/// <param name="Scheme"><c>Basic</c> or <c>Bearer</c>.</param>
/// <param name="Parameters">The parameters, keys lowercase.</param>
public sealed record AuthChallenge(string Scheme, ImmutableDictionary<string, string> Parameters)
{
    /// <summary>Parses a header value, or returns <see langword="null"/> when it is not a challenge.</summary>
    public static AuthChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        header = header.Trim();
        int space = header.IndexOf(' ', StringComparison.Ordinal);
        string scheme = space < 0 ? header : header[..space];
        var parameters = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        int i = space < 0 ? header.Length : space + 1;
        while (i < header.Length)
        {
            while (i < header.Length && (header[i] == ' ' || header[i] == ',')) i++;
            int equals = header.IndexOf('=', i);
            if (equals < 0) break;
            string key = header[i..equals].Trim().ToLowerInvariant();
            i = equals + 1;
            string value;
            if (i < header.Length && header[i] == '"')
            {
                var builder = new System.Text.StringBuilder();
                i++;
                while (i < header.Length && header[i] != '"')
                {
                    if (header[i] == '\\' && i + 1 < header.Length) i++;
                    builder.Append(header[i++]);
                }
                i++;
                value = builder.ToString();
            }
            else
            {
                int end = header.IndexOf(',', i);
                if (end < 0) end = header.Length;
                value = header[i..end].Trim();
                i = end;
            }
            parameters[key] = value;
        }
        return new AuthChallenge(scheme, parameters.ToImmutable());
    }
}
