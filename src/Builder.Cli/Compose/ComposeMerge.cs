namespace Builder.Cli.Compose;

/// <summary>
/// Merges compose files given with several <c>-f</c> (override files), in order, as the compose spec's merge.md says:
/// mappings merge key by key, a later scalar wins, sequences are appended — except <c>command</c>,
/// <c>entrypoint</c> and <c>healthcheck.test</c>, which the later file replaces, and lists of unique values (build
/// <c>tags</c>, <c>cache_from</c>, <c>cache_to</c>, <c>platforms</c>, <c>profiles</c>, build <c>secrets</c> by
/// source), where a value already there is not added twice. Values that have a list and a mapping form (<c>args</c>,
/// <c>labels</c>, <c>environment</c>, <c>depends_on</c>, <c>additional_contexts</c>, <c>extra_hosts</c>,
/// <c>ssh</c>) and <c>build: PATH</c> are brought to their mapping form first, so merging applies to the expanded
/// form. <c>!reset</c> removes a value and <c>!override</c> replaces it whole.
/// </summary>
internal static class ComposeMerge
{
    private static readonly HashSet<string> Replaced = ["command", "entrypoint", "test"];
    private static readonly HashSet<string> UniqueLists = ["tags", "cache_from", "cache_to", "platforms", "profiles", "secrets", "entitlements"];

    /// <summary>Brings one file's services to the expanded form merging works on.</summary>
    /// <exception cref="FormatException">A value of the wrong shape, with its path.</exception>
    public static void Normalize(Dictionary<string, object?> root, string file)
    {
        if (root.GetValueOrDefault("services") is not Dictionary<string, object?> services) return;
        foreach ((string name, object? value) in services)
        {
            if (value is not Dictionary<string, object?> service) continue;
            string at = $"services.{name}";
            if (service.GetValueOrDefault("build") is string context) service["build"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["context"] = context };
            ToMapping(service, "environment", '=', file, at);
            ToMapping(service, "labels", '=', file, at);
            if (service.GetValueOrDefault("depends_on") is List<object?> dependencies)
            {
                service["depends_on"] = dependencies.ToDictionary(
                    d => d as string ?? throw new FormatException($"{file}: {at}.depends_on: a list of service names, or a mapping"),
                    object? (_) => new Dictionary<string, object?>(StringComparer.Ordinal) { ["condition"] = "service_started" }, StringComparer.Ordinal);
            }
            if (service.GetValueOrDefault("build") is Dictionary<string, object?> build)
            {
                ToMapping(build, "args", '=', file, at + ".build");
                ToMapping(build, "labels", '=', file, at + ".build");
                ToMapping(build, "additional_contexts", '=', file, at + ".build");
                ToMapping(build, "ssh", '=', file, at + ".build");
                // extra_hosts: "host:ip" or "host=ip" (compose-go's HostsList accepts both; '=' since compose 2.24).
                ToMapping(build, "extra_hosts", '\0', file, at + ".build");
            }
        }
    }

    // KEY=VALUE items (a bare KEY maps to null) become a mapping; a mapping stays as it is.
    private static void ToMapping(Dictionary<string, object?> owner, string key, char separator, string file, string at)
    {
        if (owner.GetValueOrDefault(key) is not List<object?> items) return;
        var mapping = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (object? item in items)
        {
            string text = item as string ?? throw new FormatException($"{file}: {at}.{key}: each item is a string KEY=VALUE (or use a mapping)");
            int split = separator == '\0' ? HostSeparator(text) : text.IndexOf(separator, StringComparison.Ordinal);
            if (split < 0) mapping[text] = null;
            else mapping[text[..split]] = text[(split + 1)..];
        }
        owner[key] = mapping;
    }

    // "host=ip" or "host:ip", where ip may itself hold ':' (IPv6): the first '=' wins, else the first ':'.
    private static int HostSeparator(string text) =>
        text.IndexOf('=', StringComparison.Ordinal) is >= 0 and int equals ? equals : text.IndexOf(':', StringComparison.Ordinal);

    /// <summary>Merges <paramref name="over"/> (a later file) onto <paramref name="under"/>; returns the result.</summary>
    public static object? Merge(object? under, object? over, string key = "")
    {
        if (over is ComposeTagged { Tag: ComposeTagged.Reset }) return over;
        if (over is ComposeTagged { Tag: ComposeTagged.Override } replaced) return replaced.Value;
        if (under is ComposeTagged { Tag: ComposeTagged.Override } earlier) under = earlier.Value;
        switch (under, over)
        {
            case (Dictionary<string, object?> a, Dictionary<string, object?> b):
                var merged = new Dictionary<string, object?>(a, StringComparer.Ordinal);
                foreach ((string k, object? v) in b)
                    merged[k] = merged.TryGetValue(k, out object? existing) ? Merge(existing, v, k) : v;
                return merged;
            case (List<object?> a, List<object?> b) when Replaced.Contains(key):
                return b;
            case (List<object?> a, List<object?> b) when UniqueLists.Contains(key):
                var unique = new List<object?>(a);
                foreach (object? item in b)
                {
                    int same = unique.FindIndex(u => SameItem(u, item));
                    if (same >= 0) unique[same] = item;
                    else unique.Add(item);
                }
                return unique;
            case (List<object?> a, List<object?> b):
                return a.Concat(b).ToList();
            default:
                return over;
        }
    }

    // The unique key of a list item: the value itself, or a long-syntax secret's source.
    private static bool SameItem(object? a, object? b) => (KeyOf(a), KeyOf(b)) is ({ } x, { } y) && x == y;

    private static string? KeyOf(object? item) => item switch
    {
        string text => text,
        Dictionary<string, object?> map => map.GetValueOrDefault("source") as string,
        _ => null,
    };

    /// <summary>Removes what <c>!reset</c> reset and unwraps <c>!override</c>, once every file is merged.</summary>
    public static object? Resolve(object? value) => value switch
    {
        ComposeTagged { Tag: ComposeTagged.Override } tagged => Resolve(tagged.Value),
        Dictionary<string, object?> map => map.Where(p => p.Value is not ComposeTagged { Tag: ComposeTagged.Reset })
            .ToDictionary(p => p.Key, p => Resolve(p.Value), StringComparer.Ordinal),
        List<object?> list => list.Where(i => i is not ComposeTagged { Tag: ComposeTagged.Reset }).Select(Resolve).ToList(),
        _ => value,
    };
}
