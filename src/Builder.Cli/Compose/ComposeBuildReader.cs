using System.Collections.Immutable;
using Builder.Cli.Options;

namespace Builder.Cli.Compose;

/// <summary>
/// Reads one service's merged <c>build:</c> mapping into a <see cref="ComposeBuild"/>, key by key of the compose build
/// specification (build.md). A key imgbuild cannot honour yet is collected in <see cref="Unsupported"/> (an error
/// when the service is built, never silently ignored); an unknown key is a warning that names it.
/// </summary>
internal sealed class ComposeBuildReader(string file, string projectDirectory, Func<string, string?> lookup,
    IReadOnlyDictionary<string, object?> topLevelSecrets, Action<string> warn)
{
    // compose spec build.md, every key of the build section.
    private static readonly HashSet<string> Keys =
    [
        "context", "dockerfile", "dockerfile_inline", "args", "ssh", "cache_from", "cache_to", "additional_contexts",
        "entitlements", "extra_hosts", "isolation", "privileged", "labels", "no_cache", "pull", "network", "shm_size",
        "target", "secrets", "tags", "ulimits", "platforms", "provenance", "sbom",
    ];

    /// <summary>The keys of the last section read that imgbuild cannot honour yet, as <c>build.KEY</c> with why.</summary>
    public List<string> Unsupported { get; } = [];

    /// <exception cref="FormatException">A value of the wrong type or form, with its path.</exception>
    public ComposeBuild Read(string service, Dictionary<string, object?> build)
    {
        Unsupported.Clear();
        string at = $"services.{service}.build";
        foreach (string key in build.Keys.Where(k => !Keys.Contains(k) && !k.StartsWith("x-", StringComparison.Ordinal)))
            warn($"{file}: {at}.{key} is not a compose build key; it is ignored (see the compose build specification)");

        string contextText = Text(build, "context", at) ?? ".";
        string context;
        if (IsRemote(contextText))
        {
            Unsupported.Add($"build.context '{contextText}' (a git or URL context; clone it and give the directory)");
            context = projectDirectory;
        }
        else
        {
            context = Path.GetFullPath(Path.Combine(projectDirectory, contextText));
            if (!Directory.Exists(context)) throw new FormatException($"{file}: {at}.context: the directory {context} does not exist");
        }
        string? dockerfile = Text(build, "dockerfile", at);
        string? inline = Text(build, "dockerfile_inline", at);
        if (dockerfile is not null && inline is not null)
            throw new FormatException($"{file}: {at}: dockerfile and dockerfile_inline both set; keep one");
        // An inline Dockerfile is named after where it is written, so its errors point there and never at another
        // service's Dockerfile in the same context (and no <Dockerfile>.dockerignore is looked for beside it).
        string dockerfilePath = inline is not null ? $"{Path.GetFullPath(file)}#{at}.dockerfile_inline"
            : Path.GetFullPath(Path.Combine(context, dockerfile ?? "Dockerfile"));
        if (inline is null && Unsupported.Count == 0 && !File.Exists(dockerfilePath))
            throw new FormatException($"{file}: {at}: the Dockerfile {dockerfilePath} does not exist");

        var entitlements = new List<string>(List(build, "entitlements", at));
        foreach (string entitlement in entitlements.Where(e => e is not ("security.insecure" or "network.host")))
            throw new FormatException($"{file}: {at}.entitlements: unknown entitlement '{entitlement}' (security.insecure or network.host)");
        // compose hands privileged: true to the builder as the security.insecure entitlement (as bake's entitlements).
        if (Boolean(build, "privileged", at) == true) entitlements.Add("security.insecure");

        string? network = Text(build, "network", at);
        if (network is not (null or "default" or "host" or "none"))
            Unsupported.Add($"build.network '{network}' (a named network; default, host and none are supported)");

        if (Text(build, "isolation", at) is { } isolation && isolation != "default") Unsupported.Add($"build.isolation '{isolation}'");
        foreach (string key in new[] { "provenance", "sbom" }.Where(k => build.GetValueOrDefault(k) is { } v && v is not "false"))
            Unsupported.Add($"build.{key} (attestations)");

        ImmutableArray<string> platforms = List(build, "platforms", at);

        return new ComposeBuild(context, dockerfilePath)
        {
            DockerfileInline = inline,
            Args = Pairs(build, "args", at, fromEnvironment: true),
            Target = Text(build, "target", at),
            Tags = List(build, "tags", at),
            CacheFrom = List(build, "cache_from", at),
            CacheTo = List(build, "cache_to", at),
            Labels = Pairs(build, "labels", at, fromEnvironment: false),
            Secrets = Secrets(build, at),
            Ssh = [.. Pairs(build, "ssh", at, fromEnvironment: false)
                .Select(p => p.Value.Length == 0 ? p.Key : $"{p.Key}={Path.GetFullPath(Path.Combine(projectDirectory, p.Value))}")],
            Network = network,
            AdditionalContexts = Pairs(build, "additional_contexts", at, fromEnvironment: false).ToImmutableDictionary(
                p => p.Key, p => p.Value.Contains(':', StringComparison.Ordinal) ? p.Value : Path.GetFullPath(Path.Combine(projectDirectory, p.Value))),
            NoCache = Boolean(build, "no_cache", at) ?? false,
            Pull = Boolean(build, "pull", at) ?? false,
            ExtraHosts = Checked(at + ".extra_hosts", () => ExtraHostParser.Parse(Pairs(build, "extra_hosts", at, fromEnvironment: false)
                // Sorted by host: the pairs are a hash map (compose-go's HostsList is a Go map too, in random order), and
                // the RUN's /etc/hosts and cache key must not change from one run to the next.
                .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))),
            Ulimits = Checked(at + ".ulimits", () => UlimitParser.Parse(Ulimits(build, at))),
            ShmSize = Text(build, "shm_size", at) is { } shm ? Checked(at + ".shm_size", () => MemoryBytes.Parse("shm_size", shm)) : null,
            Platforms = platforms,
            Entitlements = [.. entitlements.Distinct()],
        };
    }

    // The option parsers `build` uses, their errors placed at the compose key.
    private T Checked<T>(string at, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (Exception e) when (e is FormatException or NotSupportedException)
        {
            throw new FormatException($"{file}: {at}: {e.Message}", e);
        }
    }

    // ulimits (build.md): NAME: LIMIT (soft and hard) or NAME: {soft: S, hard: H}, as docker's NAME=SOFT:HARD.
    private IEnumerable<string> Ulimits(Dictionary<string, object?> build, string at)
    {
        if (build.GetValueOrDefault("ulimits") is null) yield break;
        if (build["ulimits"] is not Dictionary<string, object?> limits) throw new FormatException($"{file}: {at}.ulimits must be a mapping");
        foreach ((string name, object? value) in limits)
        {
            yield return value switch
            {
                string single => $"{name}={single}",
                Dictionary<string, object?> pair when pair.GetValueOrDefault("soft") is string soft && pair.GetValueOrDefault("hard") is string hard => $"{name}={soft}:{hard}",
                _ => throw new FormatException($"{file}: {at}.ulimits.{name}: write a number, or soft: and hard:"),
            };
        }
    }

    // compose-go's remote contexts: git URLs (git://, git@, *.git, github.com/…) and http(s) URLs.
    private static bool IsRemote(string context) =>
        context.StartsWith("git://", StringComparison.Ordinal) || context.StartsWith("git@", StringComparison.Ordinal)
        || context.StartsWith("github.com/", StringComparison.Ordinal) || context.Contains("://", StringComparison.Ordinal);

    private ImmutableArray<string> Secrets(Dictionary<string, object?> build, string at)
    {
        if (build.GetValueOrDefault("secrets") is null) return [];
        if (build["secrets"] is not List<object?> items) throw new FormatException($"{file}: {at}.secrets must be a list");
        var values = ImmutableArray.CreateBuilder<string>();
        foreach (object? item in items)
        {
            string source;
            string? target = null;
            if (item is string name) source = name;
            else if (item is Dictionary<string, object?> secret)
            {
                source = secret.GetValueOrDefault("source") as string ?? throw new FormatException($"{file}: {at}.secrets: a long-syntax secret needs source:");
                target = secret.GetValueOrDefault("target") as string;
                foreach (string key in new[] { "uid", "gid", "mode" }.Where(secret.ContainsKey))
                    Unsupported.Add($"build.secrets {source}.{key} (set it on the RUN --mount=type=secret in the Dockerfile)");
            }
            else throw new FormatException($"{file}: {at}.secrets holds something other than names and mappings");
            // The long syntax's target is the secret's id in the Dockerfile (build.md, "secrets").
            string id = target ?? source;
            if (topLevelSecrets.GetValueOrDefault(source) is not Dictionary<string, object?> defined)
                throw new FormatException($"{file}: {at}.secrets uses '{source}', which the top-level 'secrets:' does not define");
            if (defined.GetValueOrDefault("file") is string path)
                values.Add($"{CsvOptionList.FormatField("id", id)},{CsvOptionList.FormatField("src", Path.GetFullPath(Path.Combine(projectDirectory, path)))}");
            else if (defined.GetValueOrDefault("environment") is string variable)
                values.Add($"{CsvOptionList.FormatField("id", id)},{CsvOptionList.FormatField("env", variable)}");
            else
                throw new FormatException($"{file}: secrets.{source} needs file: or environment: to be used by a build");
        }
        return values.ToImmutable();
    }

    private string? Text(Dictionary<string, object?> map, string key, string at) => map.GetValueOrDefault(key) switch
    {
        null => null,
        string text => text,
        _ => throw new FormatException($"{file}: {at}.{key} must be a string"),
    };

    private bool? Boolean(Dictionary<string, object?> map, string key, string at) => Text(map, key, at) switch
    {
        null => null,
        string text => ComposeYaml.Boolean(text) ?? throw new FormatException($"{file}: {at}.{key} must be true or false, got '{text}'"),
    };

    private ImmutableArray<string> List(Dictionary<string, object?> map, string key, string at) => map.GetValueOrDefault(key) switch
    {
        null => [],
        List<object?> items => [.. items.Select(item => item as string ?? throw new FormatException($"{file}: {at}.{key} holds something other than strings"))],
        _ => throw new FormatException($"{file}: {at}.{key} must be a list"),
    };

    // A mapping (normalized from KEY=VALUE lists by ComposeMerge); in args, a value-less KEY takes its value from the
    // environment and is left out when that has none (build.md, "args").
    private ImmutableDictionary<string, string> Pairs(Dictionary<string, object?> map, string key, string at, bool fromEnvironment)
    {
        var pairs = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        switch (map.GetValueOrDefault(key))
        {
            case null:
                break;
            case Dictionary<string, object?> mapping:
                foreach ((string name, object? value) in mapping)
                {
                    if (value is string text) pairs[name] = text;
                    else if (value is null && fromEnvironment) { if (lookup(name) is { } fromEnv) pairs[name] = fromEnv; }
                    else if (value is null) pairs[name] = "";
                    else throw new FormatException($"{file}: {at}.{key}.{name} must be a string");
                }
                break;
            default:
                throw new FormatException($"{file}: {at}.{key} must be a mapping or a list of KEY=VALUE");
        }
        return pairs.ToImmutable();
    }
}
