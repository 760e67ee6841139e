using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Builder.Cli.Options;

namespace Builder.Cli.Compose;

/// <summary>The <c>build:</c> section of one compose service, with paths made absolute.</summary>
internal sealed record ComposeBuild(string Context, string Dockerfile)
{
    public ImmutableDictionary<string, string> Args { get; init; } = ImmutableDictionary<string, string>.Empty;
    public string? Target { get; init; }
    public ImmutableArray<string> Tags { get; init; } = [];
    public ImmutableArray<string> CacheFrom { get; init; } = [];
    public ImmutableArray<string> CacheTo { get; init; } = [];
    public ImmutableDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Secrets as <c>--secret</c> values (<c>id=NAME,src=FILE</c> or <c>id=NAME,env=VAR</c>).</summary>
    public ImmutableArray<string> Secrets { get; init; } = [];
}

/// <summary>A compose service that has a <c>build:</c> section; <see cref="Names"/> are the image names it gets.</summary>
internal sealed record ComposeService(string Name, ComposeBuild Build, ImmutableArray<string> Names);

/// <summary>
/// A compose file as <c>docker compose build</c> reads it for building: the services with a <c>build:</c> section
/// (<c>context</c>, <c>dockerfile</c>, <c>args</c>, <c>target</c>, <c>tags</c>, <c>cache_from</c>, <c>cache_to</c>,
/// <c>labels</c>, <c>secrets</c>), their <c>image:</c> (default <c>PROJECT-SERVICE</c>), the top-level
/// <c>secrets:</c>, and <c>${VAR}</c>, <c>${VAR:-default}</c>, <c>${VAR-default}</c> and <c>$$</c> interpolated from
/// the environment.
/// </summary>
internal static partial class ComposeProject
{
    /// <exception cref="FormatException">Not a compose file this reader understands, with the file and what is wrong.</exception>
    public static IReadOnlyList<ComposeService> Load(string path, Func<string, string?> environment)
    {
        string file = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(file)!;
        if (YamlReader.Read(File.ReadAllText(file), path) is not Dictionary<string, object?> root)
            throw new FormatException($"{path}: a compose file is a mapping with 'services:'");
        if (root.GetValueOrDefault("services") is not Dictionary<string, object?> services)
            throw new FormatException($"{path}: no 'services:' mapping");
        string project = root.GetValueOrDefault("name") is string named ? Interpolate(named, environment, path)
            : Regex.Replace(Path.GetFileName(directory).ToLowerInvariant(), "[^a-z0-9_-]", "");
        var secrets = root.GetValueOrDefault("secrets") as Dictionary<string, object?> ?? [];
        var result = new List<ComposeService>();
        foreach ((string name, object? value) in services)
        {
            if (value is not Dictionary<string, object?> service) throw new FormatException($"{path}: service '{name}' is not a mapping");
            if (!service.TryGetValue("build", out object? build)) continue;
            string S(object? v, string what) => v is string text ? Interpolate(text, environment, path)
                : throw new FormatException($"{path}: service '{name}': {what} must be a string");
            ComposeBuild section;
            if (build is string context)
            {
                string absolute = Path.GetFullPath(Path.Combine(directory, S(context, "build")));
                section = new ComposeBuild(absolute, Path.Combine(absolute, "Dockerfile"));
            }
            else if (build is Dictionary<string, object?> map)
            {
                string absolute = Path.GetFullPath(Path.Combine(directory, map.TryGetValue("context", out object? c) ? S(c, "build.context") : "."));
                section = new ComposeBuild(absolute, Path.GetFullPath(Path.Combine(absolute, map.TryGetValue("dockerfile", out object? d) ? S(d, "build.dockerfile") : "Dockerfile")))
                {
                    Args = Pairs(map.GetValueOrDefault("args"), name, "build.args", environment, path, fromEnvironment: true),
                    Target = map.TryGetValue("target", out object? t) ? S(t, "build.target") : null,
                    Tags = List(map.GetValueOrDefault("tags"), name, "build.tags", environment, path),
                    CacheFrom = List(map.GetValueOrDefault("cache_from"), name, "build.cache_from", environment, path),
                    CacheTo = List(map.GetValueOrDefault("cache_to"), name, "build.cache_to", environment, path),
                    Labels = Pairs(map.GetValueOrDefault("labels"), name, "build.labels", environment, path, fromEnvironment: false),
                    Secrets = [.. List(map.GetValueOrDefault("secrets"), name, "build.secrets", environment, path).Select(s => SecretSource(s, secrets, directory, name, path))],
                };
            }
            else
            {
                throw new FormatException($"{path}: service '{name}': build must be a path or a mapping");
            }
            string image = service.TryGetValue("image", out object? i) ? S(i, "image") : $"{project}-{name}";
            result.Add(new ComposeService(name, section, [image, .. section.Tags.Where(tag => tag != image)]));
        }
        return result;
    }

    private static string SecretSource(string id, Dictionary<string, object?> secrets, string directory, string service, string path)
    {
        if (secrets.GetValueOrDefault(id) is not Dictionary<string, object?> secret)
            throw new FormatException($"{path}: service '{service}' uses secret '{id}', which the top-level 'secrets:' does not define");
        if (secret.GetValueOrDefault("file") is string file)
            return $"{CsvOptionList.FormatField("id", id)},{CsvOptionList.FormatField("src", Path.GetFullPath(Path.Combine(directory, file)))}";
        if (secret.GetValueOrDefault("environment") is string variable)
            return $"{CsvOptionList.FormatField("id", id)},{CsvOptionList.FormatField("env", variable)}";
        throw new FormatException($"{path}: secret '{id}' needs 'file:' or 'environment:'");
    }

    private static ImmutableArray<string> List(object? value, string service, string what, Func<string, string?> environment, string path) => value switch
    {
        null => [],
        List<object?> items => [.. items.Select(item => item is string text ? Interpolate(text, environment, path)
            : throw new FormatException($"{path}: service '{service}': {what} holds something other than strings"))],
        _ => throw new FormatException($"{path}: service '{service}': {what} must be a list"),
    };

    // A mapping (KEY: VALUE) or a list of KEY=VALUE; in args, a bare KEY takes its value from the environment.
    private static ImmutableDictionary<string, string> Pairs(object? value, string service, string what, Func<string, string?> environment, string path, bool fromEnvironment)
    {
        var pairs = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        switch (value)
        {
            case null:
                break;
            case Dictionary<string, object?> map:
                foreach ((string key, object? item) in map)
                {
                    if (item is string text) pairs[key] = Interpolate(text, environment, path);
                    else if (item is null && fromEnvironment && environment(key) is { } fromEnv) pairs[key] = fromEnv;
                    else if (item is not null) throw new FormatException($"{path}: service '{service}': {what}.{key} must be a string");
                }
                break;
            case List<object?> items:
                foreach (object? item in items)
                {
                    string text = item as string ?? throw new FormatException($"{path}: service '{service}': {what} holds something other than strings");
                    string[] pair = Interpolate(text, environment, path).Split('=', 2);
                    if (pair.Length == 2) pairs[pair[0]] = pair[1];
                    else if (fromEnvironment && environment(pair[0]) is { } fromEnv) pairs[pair[0]] = fromEnv;
                }
                break;
            default:
                throw new FormatException($"{path}: service '{service}': {what} must be a mapping or a list");
        }
        return pairs.ToImmutable();
    }

    /// <summary>Compose's interpolation: <c>$$</c>, <c>$VAR</c>, <c>${VAR}</c>, <c>${VAR:-default}</c>, <c>${VAR-default}</c>.</summary>
    public static string Interpolate(string text, Func<string, string?> environment, string path)
    {
        if (!text.Contains('$', StringComparison.Ordinal)) return text;
        var builder = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '$' || i + 1 >= text.Length) { builder.Append(text[i]); continue; }
            if (text[i + 1] == '$') { builder.Append('$'); i++; continue; }
            if (text[i + 1] == '{')
            {
                int close = text.IndexOf('}', i + 2);
                if (close < 0) throw new FormatException($"{path}: '{text}': an unterminated ${{");
                string inner = text[(i + 2)..close];
                Match match = Expression().Match(inner);
                if (!match.Success) throw new FormatException($"{path}: '${{{inner}}}' is not supported yet (write ${{VAR}}, ${{VAR:-default}} or ${{VAR-default}})");
                string? value = environment(match.Groups[1].Value);
                string op = match.Groups[2].Value;
                builder.Append(op == ":-" && string.IsNullOrEmpty(value) ? match.Groups[3].Value
                    : op == "-" && value is null ? match.Groups[3].Value
                    : value ?? "");
                i = close;
                continue;
            }
            Match plain = PlainVariable().Match(text, i + 1);
            if (plain.Success && plain.Index == i + 1)
            {
                builder.Append(environment(plain.Value) ?? "");
                i += plain.Length;
                continue;
            }
            builder.Append('$');
        }
        return builder.ToString();
    }

    [GeneratedRegex("^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-)(.*))?$", RegexOptions.Singleline)]
    private static partial Regex Expression();

    [GeneratedRegex("[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex PlainVariable();
}
