using System.Collections.Immutable;
using Builder.Cli.Options;

namespace Builder.Cli.Options;

/// <summary>
/// docker buildx's <c>--secret</c>: <c>id=ID,src=FILE</c> (also <c>source=</c>) or <c>id=ID,env=VARIABLE</c>; a bare
/// <c>id=ID</c> reads the environment variable of the same name. The value is a <see cref="CsvOptionList"/>, so a
/// path with a comma is quoted: <c>id=a,"src=/path/with,comma"</c>.
/// </summary>
internal static class BuildSecrets
{
    /// <exception cref="FormatException">A quoting error, an unknown key or type, a value without an id, or whose variable is not set.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ImmutableDictionary<string, byte[]> Parse(IEnumerable<string> values, Func<string, string?> environment)
    {
        var secrets = ImmutableDictionary.CreateBuilder<string, byte[]>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            CsvOptionList fields = CsvOptionList.Parse("--secret", value);
            foreach (CsvOption field in fields.Options.Where(f => f.Key is not ("id" or "src" or "source" or "env" or "type")))
                throw new FormatException($"--secret '{value}': unknown key '{field.Key}' (id, src, env or type)");
            string? type = fields.LastValue("type");
            if (type is not (null or "file" or "env"))
                throw new FormatException($"--secret '{value}': unknown type '{type}' (file or env)");
            string id = fields.LastValue("id") ?? throw new FormatException($"--secret '{value}' has no id=");
            string? file = fields.LastValue("src") ?? fields.LastValue("source");
            string? variable = fields.LastValue("env");
            // As buildx: with type=env, src= names the variable.
            if (type == "env" && variable is null) (variable, file) = (file, null);
            if (file is not null)
                secrets[id] = ReadFile(value, file);
            else if (environment(variable ?? id) is { } text)
                secrets[id] = System.Text.Encoding.UTF8.GetBytes(text);
            else
                throw new FormatException($"--secret '{value}': give src=FILE or env=VARIABLE (the variable is not set)");
        }
        return secrets.ToImmutable();
    }

    // Only a regular file is read (a directory fails with a message naming it, a fifo or device is never opened).
    private static byte[] ReadFile(string value, string file)
    {
        string target = File.ResolveLinkTarget(file, returnFinalTarget: true)?.FullName ?? file;
        if (Builder.Cache.Layers.HostFiles.Describe(target) is not { } entry)
            throw new IOException($"--secret '{value}': {file} does not exist");
        if (entry.Kind != Builder.Cache.Layers.HostEntryKind.File)
            throw new IOException($"--secret '{value}': {file} is {(entry.Kind == Builder.Cache.Layers.HostEntryKind.Directory ? "a directory" : "not a regular file")}; src= names a file");
        try
        {
            return File.ReadAllBytes(target);
        }
        catch (UnauthorizedAccessException)
        {
            throw new IOException($"--secret '{value}': cannot read {file}: permission denied");
        }
    }
}
