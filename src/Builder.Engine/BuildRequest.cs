using System.Collections.Immutable;
using Builder.Cache.BuildCache;
using Builder.Graph;
using Builder.Oci;

namespace Builder.Engine;

/// <summary>
/// One build, as every front end asks for it (<c>imgbuild build</c>, <c>imgbuild compose</c>, the MSBuild task through
/// the CLI, tests): one or more <see cref="TargetRequest"/>s solved together (identical steps run once), and what they
/// share — secrets, SSH agents, imported caches, platform, epoch, cache rules. Immutable; the engine reads nothing
/// else (no environment variable, no console).
/// </summary>
public sealed record BuildRequest
{
    /// <summary>The images to build, in the order results are returned.</summary>
    public required ImmutableArray<TargetRequest> Targets { get; init; }

    /// <summary>Secrets for <c>RUN --mount=type=secret</c>, by id (<c>--secret</c>).</summary>
    public ImmutableDictionary<string, byte[]> Secrets { get; init; } = ImmutableDictionary<string, byte[]>.Empty;

    /// <summary>SSH agent sockets for <c>RUN --mount=type=ssh</c>, by id (<c>--ssh</c>).</summary>
    public ImmutableDictionary<string, string> SshAgents { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Build caches to import (<c>--cache-from</c>); one that cannot be read is a warning.</summary>
    public ImmutableArray<CacheSpec> CacheImports { get; init; } = [];

    /// <summary>
    /// The platforms to build for (<c>--platform a,b</c>), distinct, in the order the image index lists them: each target
    /// is converted and solved once per platform in one solve (steps that do not depend on the platform, such as the
    /// context and <c>FROM --platform=$BUILDPLATFORM</c> stages, are key-equal and run once), and several platforms
    /// give an image index with one manifest per platform. A RUN in a stage of another architecture than this
    /// machine's is refused (no emulation yet).
    /// </summary>
    public ImmutableArray<Platform> Platforms { get; init; } = [Platform.Current];

    /// <summary>The first of <see cref="Platforms"/>; setting it builds for that one platform alone.</summary>
    public Platform Platform
    {
        get => Platforms[0];
        init => Platforms = [value];
    }

    /// <summary>
    /// <c>SOURCE_DATE_EPOCH</c> from the caller's environment; a <c>SOURCE_DATE_EPOCH</c> build arg of a target wins
    /// over it, as in BuildKit.
    /// </summary>
    public DateTimeOffset? SourceDateEpoch { get; init; }

    /// <summary>
    /// How many steps run at once, or null for no limit: as in BuildKit, every step whose inputs are ready starts, and
    /// sharing the CPU between them is the kernel's job.
    /// </summary>
    public int? Jobs { get; init; }

    /// <summary>Run every step without the build cache (<c>--no-cache</c>).</summary>
    public bool NoCache { get; init; }

    /// <summary>Stages (names or indexes) whose steps run without the build cache (<c>--no-cache-filter</c>).</summary>
    public ImmutableHashSet<string> NoCacheStages { get; init; } = ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The entitlements the caller grants the Dockerfiles (<c>--allow</c>); none by default.</summary>
    public ImmutableHashSet<Entitlement> Entitlements { get; init; } = [];

    /// <summary>The network of RUN steps without <c>--network</c>.</summary>
    public NetworkMode Network { get; init; } = NetworkMode.Default;

    /// <summary>Resolve every base image with a tag in its registry, even when the store has it (<c>--pull</c>).</summary>
    public bool Pull { get; init; }

    /// <summary>Lines every RUN container's <c>/etc/hosts</c> gets (<c>--add-host</c>).</summary>
    public ImmutableArray<ExtraHost> ExtraHosts { get; init; } = [];

    /// <summary>Resource limits of every RUN process (<c>--ulimit</c>).</summary>
    public ImmutableArray<Ulimit> Ulimits { get; init; } = [];

    /// <summary>The size in bytes of every RUN container's <c>/dev/shm</c> (<c>--shm-size</c>); null: 64 MiB.</summary>
    public long? ShmSize { get; init; }

    /// <summary>
    /// The cgroup limits of every RUN container (<c>--memory</c>, <c>--memory-swap</c>, <c>--cpus</c>, <c>--pids-limit</c>);
    /// none by default. They do not change a step's cache key: a limit changes how a step runs, not what it makes.
    /// </summary>
    public RunLimits RunResources { get; init; } = RunLimits.None;

    /// <summary>
    /// Explain instead of building (<c>imgbuild build --explain</c>): every RUN and file step is looked up in the cache
    /// and each one that would run reports every difference from its closest cached record
    /// (<see cref="Solver.Progress.IBuildProgress.CacheMissed"/>); nothing runs and nothing is exported.
    /// </summary>
    public bool Explain { get; init; }

    /// <summary>
    /// Where an output with <c>dest=-</c> writes (the front end's standard output), or null when no output may
    /// go there.
    /// </summary>
    public Stream? StandardOutput { get; init; }

    /// <summary>
    /// Called when a RUN fails, after the other steps were stopped and before the build's failure is thrown, with the
    /// failed RUN's container as the failure left it (<c>--on-error=shell</c>); the container is removed when it
    /// returns. Null (the default): a failed RUN's container is removed at once.
    /// </summary>
    public IFailedStepDebugger? FailedStepDebugger { get; init; }
}
