using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Builder.Cli.Compose;

/// <summary>
/// A compose project as <c>docker compose build</c> loads it (compose spec: 02-model, interpolation, merge, profiles,
/// build): the compose files read with YamlDotNet, each interpolated with the environment and <c>.env</c>, merged in
/// order, then every service's <c>build:</c> section validated. <see cref="Select"/> chooses what to build from the
/// command line, the active profiles and the dependencies. Everything is checked here, before anything runs.
/// </summary>
internal sealed partial class ComposeProject
{
    // compose spec 02-model and 05-services: project and service names.
    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex ProjectName();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex ServiceName();

    private static readonly HashSet<string> TopLevelKeys = ["version", "name", "services", "networks", "volumes", "configs", "secrets", "models"];

    // compose spec 05-services: the keys a service may have. Only build, image, depends_on and profiles matter to a
    // build; the others describe how the container runs and are accepted without a word.
    private static readonly HashSet<string> ServiceKeys =
    [
        "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command", "configs",
        "container_name", "cpu_count", "cpu_percent", "cpu_shares", "cpu_period", "cpu_quota", "cpu_rt_runtime", "cpu_rt_period",
        "cpus", "cpuset", "credential_spec", "depends_on", "deploy", "develop", "device_cgroup_rules", "devices", "dns", "dns_opt",
        "dns_search", "domainname", "driver_opts", "entrypoint", "env_file", "environment", "expose", "extends", "external_links",
        "extra_hosts", "gpus", "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "labels", "label_file",
        "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit", "models",
        "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform", "ports", "post_start",
        "pre_stop", "privileged", "profiles", "provider", "pull_policy", "read_only", "restart", "runtime", "scale", "secrets",
        "security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty",
        "ulimits", "use_api_socket", "user", "userns_mode", "uts", "volumes", "volumes_from", "working_dir",
    ];

    private readonly ImmutableDictionary<string, ServiceDefinition> _services;
    private readonly ImmutableArray<string> _profiles;

    private ComposeProject(string name, string directory, string file, Func<string, string?> lookup, ImmutableArray<string> profiles,
        ImmutableDictionary<string, ServiceDefinition> services, ImmutableArray<string> warnings)
    {
        (Name, Directory, File, Lookup, _profiles, _services, Warnings) = (name, directory, file, lookup, profiles, services, warnings);
    }

    /// <summary>The project name (<c>-p</c>, <c>COMPOSE_PROJECT_NAME</c>, <c>name:</c>, or the directory's name).</summary>
    public string Name { get; }

    /// <summary>The project directory, which relative paths are resolved against.</summary>
    public string Directory { get; }

    /// <summary>The first compose file, as errors name it.</summary>
    public string File { get; }

    /// <summary>A variable as compose sees it: the environment, else the <c>.env</c> files.</summary>
    public Func<string, string?> Lookup { get; }

    /// <summary>What loading warned about (unknown keys, unset variables), each once.</summary>
    public ImmutableArray<string> Warnings { get; }

    /// <summary>Every service, by name, in file order.</summary>
    public IEnumerable<string> ServiceNames => _services.Keys;

    // A service as loaded, before profiles choose; Unsupported are the keys its build cannot honour yet.
    private sealed record ServiceDefinition(ComposeService Service, ImmutableArray<string> Profiles, ImmutableArray<string> Unsupported,
        ImmutableHashSet<string> OptionalDependencies, int Order);

    /// <exception cref="FormatException">A file that is not a compose file, a bad value or reference, with the file and where.</exception>
    /// <exception cref="FileNotFoundException">No compose file.</exception>
    public static ComposeProject Load(ComposeLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ImmutableArray<string> files = FindFiles(options);
        string first = files[0];
        string directory = Path.GetFullPath(options.ProjectDirectory ?? Path.GetDirectoryName(first)!, options.WorkingDirectory);

        // The environment wins over the env files; a later env file wins over an earlier one (env-file.md).
        var dotEnv = new Dictionary<string, string>(StringComparer.Ordinal);
        IEnumerable<string> envFiles = options.EnvFiles.IsEmpty
            ? [Path.Combine(directory, ".env")]
            : options.EnvFiles.Select(f => Path.GetFullPath(f, options.WorkingDirectory));
        foreach (string envFile in envFiles)
        {
            if (!System.IO.File.Exists(envFile))
            {
                if (options.EnvFiles.IsEmpty) continue;
                throw new FileNotFoundException($"--env-file {envFile}: the file does not exist");
            }
            foreach ((string key, string value) in DotEnvFile.Read(envFile, name => options.Environment(name) ?? dotEnv.GetValueOrDefault(name)))
                dotEnv[key] = value;
        }
        string? Lookup(string name) => options.Environment(name) ?? dotEnv.GetValueOrDefault(name);

        var warnings = new List<string>();
        void Warn(string warning) { if (!warnings.Contains(warning)) warnings.Add(warning); }

        object? merged = null;
        foreach (string file in files)
        {
            string text;
            try { text = System.IO.File.ReadAllText(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new FileNotFoundException($"{file}: {e.Message}", e); }
            object? read = ComposeYaml.Read(text, file);
            if (read is null) continue;
            if (read is not Dictionary<string, object?> root) throw new FormatException($"{file}: a compose file is a mapping with 'services:'");
            foreach (string key in root.Keys.Where(k => !TopLevelKeys.Contains(k) && !k.StartsWith("x-", StringComparison.Ordinal)))
            {
                if (key == "include") throw new FormatException($"{file}: not supported yet: include (list the files with -f instead)");
                Warn($"{file}: '{key}' is not a top-level compose key; it is ignored");
            }
            if (root.ContainsKey("version")) Warn($"{file}: 'version' is obsolete; it is ignored");
            var interpolated = (Dictionary<string, object?>)Interpolate(root, "", file, Lookup, Warn)!;
            ComposeMerge.Normalize(interpolated, file);
            merged = merged is null ? interpolated : ComposeMerge.Merge(merged, interpolated);
        }
        var model = ComposeMerge.Resolve(merged) as Dictionary<string, object?> ?? [];
        if (model.GetValueOrDefault("services") is not Dictionary<string, object?> services)
            throw new FormatException($"{first}: no 'services:' mapping");

        string name = ProjectNameOf(options, Lookup, model, directory, first);
        var secrets = model.GetValueOrDefault("secrets") as Dictionary<string, object?> ?? [];
        var reader = new ComposeBuildReader(first, directory, Lookup, secrets, Warn);
        var definitions = ImmutableDictionary.CreateBuilder<string, ServiceDefinition>(StringComparer.Ordinal);
        foreach ((string serviceName, object? value) in services)
        {
            string at = $"services.{serviceName}";
            if (!ServiceName().IsMatch(serviceName))
                throw new FormatException($"{first}: {at}: '{serviceName}' is not a valid service name (letters, digits, '_', '.', '-', starting with a letter or digit)");
            if (value is not Dictionary<string, object?> service) throw new FormatException($"{first}: {at} must be a mapping");
            foreach (string key in service.Keys.Where(k => !ServiceKeys.Contains(k) && !k.StartsWith("x-", StringComparison.Ordinal)))
                Warn($"{first}: {at}.{key} is not a compose service key; it is ignored");
            if (service.ContainsKey("extends")) throw new FormatException($"{first}: {at}.extends: not supported yet: extends (write the service out, or share it with a YAML anchor and <<: merge key)");

            ComposeBuild? build = null;
            ImmutableArray<string> unsupported = [];
            if (service.GetValueOrDefault("build") is { } section)
            {
                build = reader.Read(serviceName, section as Dictionary<string, object?> ?? throw new FormatException($"{first}: {at}.build must be a path or a mapping"));
                unsupported = [.. reader.Unsupported];
                if (service.GetValueOrDefault("platform") is string platform && build.Platforms.IsEmpty) build = build with { Platforms = [platform] };
            }
            string? image = service.GetValueOrDefault("image") switch
            {
                null => null,
                string text => text,
                _ => throw new FormatException($"{first}: {at}.image must be a string"),
            };
            var dependsOn = service.GetValueOrDefault("depends_on") as Dictionary<string, object?> ?? [];
            var optional = dependsOn.Where(d => d.Value is Dictionary<string, object?> m && m.GetValueOrDefault("required") is string r && ComposeYaml.Boolean(r) == false)
                .Select(d => d.Key).ToImmutableHashSet(StringComparer.Ordinal);
            ImmutableArray<string> names = build is null ? [] : [image ?? $"{name}-{serviceName}", .. build.Tags.Where(tag => tag != image)];
            var composeService = new ComposeService(serviceName, build, names)
            {
                DependsOn = [.. dependsOn.Keys],
                ContextServices = build is null ? [] : [.. build.AdditionalContexts.Values.Where(v => v.StartsWith("service:", StringComparison.Ordinal)).Select(v => v["service:".Length..])],
            };
            definitions[serviceName] = new ServiceDefinition(composeService, Strings(service, "profiles", at, first), unsupported, optional, definitions.Count);
        }
        foreach (ServiceDefinition definition in definitions.Values)
        {
            ComposeService service = definition.Service;
            foreach (string dependency in service.DependsOn.Where(d => !definitions.ContainsKey(d)))
                throw new FormatException($"{first}: services.{service.Name}.depends_on names '{dependency}', which is not a service of this project");
            foreach (string dependency in service.ContextServices)
            {
                if (!definitions.TryGetValue(dependency, out ServiceDefinition? other))
                    throw new FormatException($"{first}: services.{service.Name}.build.additional_contexts: 'service:{dependency}' is not a service of this project");
                if (other.Service.Build is null)
                    throw new FormatException($"{first}: services.{service.Name}.build.additional_contexts: 'service:{dependency}' has no build: section to build");
            }
        }

        ImmutableArray<string> profiles = !options.Profiles.IsEmpty ? options.Profiles
            : [.. (Lookup("COMPOSE_PROFILES") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        return new ComposeProject(name, directory, first, Lookup, profiles, definitions.ToImmutable(), [.. warnings]);
    }

    /// <summary>
    /// The services to build, dependencies first: the ones <paramref name="wanted"/> names (default: every service the
    /// active profiles enable), with the services they depend on (<c>depends_on</c>, <c>service:NAME</c> contexts),
    /// keeping those with a <c>build:</c> section. A service named on the command line enables its profiles
    /// (profiles.md); a dependency that the profiles leave disabled is an error, as in compose.
    /// </summary>
    /// <exception cref="FormatException">An unknown service, a disabled or circular dependency, or a key not supported yet.</exception>
    public IReadOnlyList<ComposeService> Select(IReadOnlyList<string> wanted)
    {
        foreach (string name in wanted.Where(w => !_services.ContainsKey(w)))
            throw new FormatException($"{File} has no service '{name}' (it has: {string.Join(", ", _services.Keys)})");
        HashSet<string> active = [.. _profiles, .. wanted.SelectMany(w => _services[w].Profiles)];
        bool Enabled(ServiceDefinition d) => d.Profiles.IsEmpty || active.Contains("*") || d.Profiles.Any(active.Contains);

        IEnumerable<ServiceDefinition> roots = wanted.Count > 0 ? wanted.Select(w => _services[w]) : _services.Values.Where(Enabled).OrderBy(d => d.Order);
        var order = new List<ComposeService>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: being visited, true: done
        void Visit(ServiceDefinition definition, string? from)
        {
            ComposeService service = definition.Service;
            if (state.TryGetValue(service.Name, out bool done))
            {
                if (!done) throw new FormatException($"{File}: services.{service.Name} depends on itself (through {from})");
                return;
            }
            state[service.Name] = false;
            foreach (string dependency in service.DependsOn.Concat(service.ContextServices).Distinct())
            {
                ServiceDefinition other = _services[dependency];
                if (!Enabled(other))
                {
                    if (definition.OptionalDependencies.Contains(dependency) && !service.ContextServices.Contains(dependency)) continue;
                    throw new FormatException($"{File}: services.{service.Name} depends on '{dependency}', which is disabled by its profiles ({string.Join(", ", other.Profiles)}); enable one with --profile");
                }
                Visit(other, service.Name);
            }
            state[service.Name] = true;
            if (service.Build is not null) order.Add(service);
        }
        foreach (ServiceDefinition root in roots) Visit(root, null);

        foreach (ComposeService service in order)
        {
            if (_services[service.Name].Unsupported is { IsEmpty: false } unsupported)
                throw new FormatException($"{File}: services.{service.Name}: not supported yet: {unsupported[0]}");
        }
        return order;
    }

    private static ImmutableArray<string> FindFiles(ComposeLoadOptions options)
    {
        if (!options.Files.IsEmpty) return [.. options.Files.Select(f => Path.GetFullPath(f, options.WorkingDirectory))];
        if (options.Environment("COMPOSE_FILE") is { Length: > 0 } fromEnvironment)
        {
            string separator = options.Environment("COMPOSE_PATH_SEPARATOR") ?? ":";
            return [.. fromEnvironment.Split(separator, StringSplitOptions.RemoveEmptyEntries).Select(f => Path.GetFullPath(f, options.WorkingDirectory))];
        }
        // compose's default files, in its order of preference, each with its override file when there is one.
        foreach ((string file, string[] overrides) in new[]
        {
            ("compose.yaml", new[] { "compose.override.yaml", "compose.override.yml" }),
            ("compose.yml", ["compose.override.yml", "compose.override.yaml"]),
            ("docker-compose.yml", ["docker-compose.override.yml", "docker-compose.override.yaml"]),
            ("docker-compose.yaml", ["docker-compose.override.yaml", "docker-compose.override.yml"]),
        })
        {
            string path = Path.Combine(options.WorkingDirectory, file);
            if (!System.IO.File.Exists(path)) continue;
            string? over = overrides.Select(o => Path.Combine(options.WorkingDirectory, o)).FirstOrDefault(System.IO.File.Exists);
            return over is null ? [path] : [path, over];
        }
        throw new FileNotFoundException($"no compose file in {options.WorkingDirectory} (compose.yaml, compose.yml, docker-compose.yml or docker-compose.yaml); give one with -f");
    }

    // -p, then COMPOSE_PROJECT_NAME, then name:, then the project directory's name made valid (02-model, "name").
    private static string ProjectNameOf(ComposeLoadOptions options, Func<string, string?> lookup, Dictionary<string, object?> model, string directory, string file)
    {
        string? given = options.ProjectName;
        if (given is null && lookup("COMPOSE_PROJECT_NAME") is { Length: > 0 } fromEnvironment) given = fromEnvironment;
        given ??= model.GetValueOrDefault("name") as string;
        if (given is not null)
        {
            return ProjectName().IsMatch(given) ? given
                : throw new FormatException($"{file}: project name '{given}' must be lower-case letters, digits, '_' and '-', starting with a letter or digit");
        }
        string derived = Regex.Replace(Path.GetFileName(directory.TrimEnd('/')).ToLowerInvariant(), "[^a-z0-9_-]", "").TrimStart('_', '-');
        return derived.Length > 0 ? derived
            : throw new FormatException($"{file}: cannot make a project name from the directory {directory}; give one with -p or name:");
    }

    private static ImmutableArray<string> Strings(Dictionary<string, object?> map, string key, string at, string file) => map.GetValueOrDefault(key) switch
    {
        null => [],
        List<object?> items => [.. items.Select(i => i as string ?? throw new FormatException($"{file}: {at}.{key} holds something other than strings"))],
        _ => throw new FormatException($"{file}: {at}.{key} must be a list"),
    };

    // Every value of a file is interpolated before merging (compose-go interpolates each file's model); keys are not.
    private static object? Interpolate(object? value, string at, string file, Func<string, string?> lookup, Action<string> warn) => value switch
    {
        string text => InterpolateText(text, at, file, lookup, warn),
        Dictionary<string, object?> map => map.ToDictionary(p => p.Key, p => Interpolate(p.Value, at.Length == 0 ? p.Key : $"{at}.{p.Key}", file, lookup, warn), StringComparer.Ordinal),
        List<object?> list => list.Select((item, i) => Interpolate(item, $"{at}[{i}]", file, lookup, warn)).ToList(),
        ComposeTagged tagged => tagged with { Value = Interpolate(tagged.Value, at, file, lookup, warn) },
        _ => value,
    };

    private static string InterpolateText(string text, string at, string file, Func<string, string?> lookup, Action<string> warn)
    {
        try
        {
            return ComposeInterpolation.Interpolate(text, lookup, name => warn($"the \"{name}\" variable is not set; it defaults to a blank string"));
        }
        catch (FormatException e)
        {
            throw new FormatException($"{file}: {at}: {e.Message}", e);
        }
    }
}
