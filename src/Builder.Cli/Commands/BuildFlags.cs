using System.Collections.Immutable;
using System.CommandLine;
using Builder.Cache.BuildCache;
using Builder.Cache.Export;
using Builder.Cli.Options;
using Builder.Cli.Output;
using Builder.Engine;
using Builder.Graph;
using Builder.Oci;

namespace Builder.Cli.Commands;

/// <summary>
/// The flags <c>imgbuild build</c> and <c>imgbuild compose</c> share, and their one mapping into a
/// <see cref="BuildRequest"/> and its targets, so both front ends honour them the same way.
/// </summary>
internal sealed class BuildFlags
{
    public Option<string[]> BuildArgs { get; } = new("--build-arg") { Description = "A build argument, NAME=VALUE (or NAME to take it from the environment)" };
    public Option<string?> Platform { get; } = new("--platform") { Description = "The target platforms, separated by ',' (several give an image index)" };
    public Option<string> Progress { get; } = new("--progress") { Description = "auto (default: tty on a terminal, else plain), tty, plain, rawjson (BuildKit's SolveStatus JSON) or quiet; unlike buildx, a step's output is never clipped", DefaultValueFactory = _ => "auto" };
    public Option<int?> Jobs { get; } = new("--jobs") { Description = "Steps run at once (default: no limit, as BuildKit: every step whose inputs are ready starts)" };
    public Option<string[]> Outputs { get; } = new("--output", "-o") { Description = "Where the result goes: type=image|registry|local|tar|oci|oci-layout|docker[,dest=…][,name=…][,push=true][,compression=gzip|zstd|uncompressed][,oci-mediatypes=false]; repeatable" };
    public Option<bool> NoCache { get; } = new("--no-cache") { Description = "Run every step, without looking in the build cache" };
    public Option<string[]> NoCacheFilter { get; } = new("--no-cache-filter") { Description = "Run the steps of these stages (names or indexes) without the build cache; repeatable, or comma-separated" };
    public Option<string[]> Ssh { get; } = new("--ssh") { Description = "An SSH agent for RUN --mount=type=ssh: default (the agent at $SSH_AUTH_SOCK) or ID=SOCKET; repeatable" };
    public Option<string> Network { get; } = new("--network") { Description = "The network of RUN steps without --network: default (the host's), host or none", DefaultValueFactory = _ => "default" };
    public Option<string[]> Labels { get; } = new("--label") { Description = "A label for the image, KEY=VALUE; repeatable" };
    public Option<string[]> CacheFrom { get; } = new("--cache-from") { Description = "Import a build cache: type=registry,ref=REG/REPO:TAG or type=local,src=DIR; repeatable" };
    public Option<string[]> CacheTo { get; } = new("--cache-to") { Description = "Export the build cache: type=registry,ref=REG/REPO:TAG or type=local,dest=DIR, with mode=min (the final image's layers, default) or mode=max (every step), and cache-mounts=true[,cache-mounts-max-size=1GiB] to carry RUN --mount=type=cache contents; repeatable" };
    public Option<string[]> BuildContexts { get; } = new("--build-context") { Description = "A named context for FROM NAME and COPY --from=NAME: NAME=DIR, NAME=docker-image://REF or NAME=oci-layout://DIR[@sha256:…]; repeatable" };
    public Option<string[]> Allow { get; } = new("--allow") { Description = "Grant an entitlement: security.insecure (RUN --security=insecure) or network.host; repeatable, or comma-separated" };
    public Option<string[]> Secrets { get; } = new("--secret") { Description = "A secret for RUN --mount=type=secret: id=ID,src=FILE or id=ID,env=VARIABLE; repeatable" };
    public Option<bool> Pull { get; } = new("--pull") { Description = "Always look up base images in their registry, even when the store has them" };
    public Option<string[]> AddHosts { get; } = new("--add-host") { Description = "A line for the /etc/hosts of RUN steps, HOST:IP; repeatable" };
    public Option<string[]> Ulimits { get; } = new("--ulimit") { Description = "A resource limit of RUN steps, NAME=SOFT[:HARD] (nofile=1024:2048); repeatable" };
    public Option<string?> ShmSize { get; } = new("--shm-size") { Description = "The size of /dev/shm in RUN steps (64m, 1g; default 64m)" };
    public Option<string[]> Annotations { get; } = new("--annotation") { Description = "An annotation of the image manifest, [manifest:]KEY=VALUE; repeatable" };
    public Option<string[]> Attest { get; } = new("--attest") { Description = "Attestations (type=sbom|provenance): not supported yet, only type=…,disabled=true" };
    public Option<string?> Sbom { get; } = new("--sbom") { Description = "An SBOM attestation: not supported yet (false is accepted)" };
    public Option<string?> Provenance { get; } = new("--provenance") { Description = "A provenance attestation: not supported yet (false is accepted; none is written by default)" };
    public Option<string?> Memory { get; } = new("--memory", "-m") { Description = "Memory limit of each RUN container, e.g. 256m or 1g (a process past it is killed, and the step says so)" };
    public Option<string?> MemorySwap { get; } = new("--memory-swap") { Description = "Memory plus swap limit of each RUN container (-1: unlimited swap; default: twice --memory)" };
    public Option<string?> Cpus { get; } = new("--cpus") { Description = "CPUs each RUN container may use, e.g. 1.5" };
    public Option<long?> CpuQuota { get; } = new("--cpu-quota") { Description = "CPU time of each RUN container per --cpu-period, in microseconds" };
    public Option<long?> CpuPeriod { get; } = new("--cpu-period") { Description = "The CFS period of --cpu-quota, in microseconds (default 100000)" };
    public Option<long?> PidsLimit { get; } = new("--pids-limit") { Description = "Processes and threads each RUN container may have at once (0 or -1: no limit)" };

    public BuildFlags()
    {
        Progress.AcceptOnlyFromAmong("auto", "tty", "plain", "rawjson", "quiet");
        Network.AcceptOnlyFromAmong("default", "host", "none");
        Jobs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1) result.AddError("--jobs must be 1 or more (leave it out for no limit)");
        });
    }

    /// <summary>Adds every shared flag to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { BuildArgs, Platform, Progress, Jobs, Outputs, NoCache, NoCacheFilter, Ssh, Network, Labels, CacheFrom, CacheTo, BuildContexts, Secrets, Allow,
                                                  Pull, AddHosts, Ulimits, ShmSize, Annotations, Attest, Sbom, Provenance, Memory, MemorySwap, Cpus, CpuQuota, CpuPeriod, PidsLimit })
            command.Options.Add(option);
    }

    /// <summary>The build-wide part of the request: secrets, agents, imported caches, platform, epoch, cache rules.</summary>
    /// <exception cref="FormatException">A flag or <c>SOURCE_DATE_EPOCH</c> is malformed.</exception>
    public BuildRequest Request(ParseResult result, CliEnvironment environment, IEnumerable<string> moreSecrets, IEnumerable<string> moreCacheImports)
    {
        ImmutableArray<Oci.Platform> platforms = TargetPlatforms(result);
        RefuseAttestations(result);
        string network = result.GetValue(Network)!;
        return new BuildRequest
        {
            Targets = [],
            Secrets = BuildSecrets.Parse([.. result.GetValue(Secrets) ?? [], .. moreSecrets], environment.Variable),
            SshAgents = SshAgents.Parse(result.GetValue(Ssh) ?? [], environment.Variable),
            CacheImports = [.. (result.GetValue(CacheFrom) ?? []).Concat(moreCacheImports).Distinct().Select(c => CacheSpecParser.Parse(c, export: false))],
            Platforms = platforms,
            SourceDateEpoch = SourceDateEpoch.From(ImmutableDictionary<string, string>.Empty, environment.Variable(SourceDateEpoch.Name)),
            Jobs = result.GetValue(Jobs),
            NoCache = result.GetValue(NoCache),
            NoCacheStages = [.. (result.GetValue(NoCacheFilter) ?? []).SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
            Network = result.GetValue(Network) switch { "none" => NetworkMode.None, "host" => NetworkMode.Host, _ => NetworkMode.Default },
            // As buildx: --network host grants network.host (the RUN steps it puts on the host's network need it).
            Entitlements = [.. (result.GetValue(Allow) ?? []).SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(ParseEntitlement),
                            .. network == "host" ? new[] { Entitlement.NetworkHost } : []],
            Pull = result.GetValue(Pull),
            ExtraHosts = ExtraHostParser.Parse(result.GetValue(AddHosts) ?? []),
            Ulimits = UlimitParser.Parse(result.GetValue(Ulimits) ?? []),
            ShmSize = result.GetValue(ShmSize) is { } shm ? MemoryBytes.Parse("--shm-size", shm) : null,
            RunResources = RunResourcesParser.Parse(result.GetValue(Memory), result.GetValue(MemorySwap), result.GetValue(Cpus),
                result.GetValue(CpuQuota), result.GetValue(CpuPeriod), result.GetValue(PidsLimit)),
        };
    }

    // --platform: one platform, or buildx's list (linux/amd64,linux/arm64) for an index of several; a platform
    // named twice is built once, as buildx's platformutil.Dedupe.
    private ImmutableArray<Oci.Platform> TargetPlatforms(ParseResult result)
    {
        if (result.GetValue(Platform) is not string given) return [Oci.Platform.Current];
        string[] written = given.Split(',', StringSplitOptions.TrimEntries);
        return [.. written.Select(p => Oci.Platform.TryParse(p, out Oci.Platform? platform) ? platform
            : throw new FormatException($"invalid --platform '{p}': write os/arch[/variant], for example linux/arm64, and separate several with ','")).Distinct()];
    }

    // --sbom, --provenance and --attest add attestation manifests (an index around the image); imgbuild writes none,
    // which is what their "false"/"disabled=true" ask for.
    private void RefuseAttestations(ParseResult result)
    {
        static bool Disabled(string value) =>
            value is "false" or "0" || value.Split(',').Any(f => f.Trim() is "disabled=true" or "disabled=1");
        foreach ((string flag, string? value) in new[] { ("--sbom", result.GetValue(Sbom)), ("--provenance", result.GetValue(Provenance)) }
                     .Concat((result.GetValue(Attest) ?? []).Select(a => ("--attest", (string?)a))))
        {
            if (value is not null && !Disabled(value))
                throw new NotSupportedException($"not supported yet: {flag} {value} (imgbuild writes no attestation manifests; {flag} false is accepted)");
        }
    }

    // buildx's --allow names (BuildKit's util/entitlements).
    public static Entitlement ParseEntitlement(string name) => name switch
    {
        "security.insecure" => Entitlement.SecurityInsecure,
        "network.host" => Entitlement.NetworkHost,
        _ => throw new FormatException($"unknown entitlement '{name}' in --allow: write security.insecure or network.host"),
    };

    /// <summary>What the shared flags say about one target, over <paramref name="target"/>'s own settings (flags win).</summary>
    public TargetRequest Target(ParseResult result, CliEnvironment environment, TargetRequest target, IEnumerable<string> moreCacheExports) => target with
    {
        BuildArgs = target.BuildArgs.SetItems(BuildArgParser.Parse(result.GetValue(BuildArgs) ?? [], environment.Variable)),
        Labels = target.Labels.SetItems(ParseLabels(result.GetValue(Labels) ?? [])),
        NamedContexts = target.NamedContexts.SetItems(BuildContextParser.Parse(result.GetValue(BuildContexts) ?? [])),
        Outputs = target.Outputs.IsDefaultOrEmpty ? [.. (result.GetValue(Outputs) ?? []).Select(OutputSpecParser.Parse)] : target.Outputs,
        CacheExports = [.. (result.GetValue(CacheTo) ?? []).Concat(moreCacheExports).Distinct().Select(c => CacheSpecParser.Parse(c, export: true))],
        Annotations = target.Annotations.SetItems(ParseAnnotations(result)),
    };

    // --annotation for one platform's manifest; for several (an index) not yet.
    private ImmutableDictionary<string, string> ParseAnnotations(ParseResult result)
    {
        string[] given = result.GetValue(Annotations) ?? [];
        ImmutableArray<Oci.Platform> platforms = TargetPlatforms(result);
        if (platforms.Length > 1 && given.Length > 0)
            throw new NotSupportedException($"not supported yet: --annotation with several platforms ({string.Join(",", platforms)}); build one platform at a time");
        return AnnotationParser.Parse(given, platforms[0]);
    }

    /// <summary>The progress renderer <c>--progress</c> asks for, or <paramref name="mode"/> when given (<c>-q</c>).</summary>
    /// <remarks>The tty is coloured unless <c>NO_COLOR</c> is set to anything but empty, as https://no-color.org/ and buildx say.</remarks>
    public IBuildRenderer Renderer(ParseResult result, TextWriter stderr, CliEnvironment? environment = null, string? mode = null)
    {
        mode ??= result.GetValue(Progress) is "auto" ? (IsTerminal(stderr) ? "tty" : "plain") : result.GetValue(Progress)!;
        bool color = string.IsNullOrEmpty((environment ?? CliEnvironment.Process).Variable("NO_COLOR"));
        return mode switch
        {
            "rawjson" => new RawJsonProgress(stderr),
            "tty" => new TtyProgress(stderr, Console.IsErrorRedirected ? 120 : Console.WindowWidth, color),
            "quiet" => new PlainProgress(TextWriter.Null, stderr),
            _ => new PlainProgress(stderr),
        };
    }

    // --label KEY=VALUE; a label without '=' has an empty value, as docker build gives it.
    private static ImmutableDictionary<string, string> ParseLabels(IEnumerable<string> values) =>
        values.Select(v => v.Split('=', 2)).ToImmutableDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    private static bool IsTerminal(TextWriter writer) => ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;
}
