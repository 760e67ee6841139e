using System.Collections.Immutable;

namespace Builder.Cli.Building;

/// <summary>
/// docker buildx's <c>--secret</c>: <c>id=ID,src=FILE</c> (also <c>source=</c>) or <c>id=ID,env=VARIABLE</c>; a bare
/// <c>id=ID</c> reads the environment variable of the same name.
/// </summary>
internal static class BuildSecrets
{
    /// <exception cref="FormatException">A value without an id, or whose variable is not set.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ImmutableDictionary<string, byte[]> Parse(IEnumerable<string> values)
    {
        var secrets = ImmutableDictionary.CreateBuilder<string, byte[]>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            var fields = value.Split(',').Select(f => f.Split('=', 2)).ToDictionary(f => f[0].Trim().ToLowerInvariant(), f => f.Length > 1 ? f[1] : "");
            string id = fields.GetValueOrDefault("id") ?? throw new FormatException($"--secret '{value}' has no id=");
            if (fields.TryGetValue("src", out string? file) || fields.TryGetValue("source", out file))
                secrets[id] = File.ReadAllBytes(file);
            else if (Environment.GetEnvironmentVariable(fields.GetValueOrDefault("env") ?? id) is { } text)
                secrets[id] = System.Text.Encoding.UTF8.GetBytes(text);
            else
                throw new FormatException($"--secret '{value}': give src=FILE or env=VARIABLE (the variable is not set)");
        }
        return secrets.ToImmutable();
    }
}
