using System.Collections.Immutable;

namespace Builder.Oci;

/// <summary>
/// The <c>config</c> object of an image config: the execution defaults of a container (config.md
/// "Properties", <c>config</c>), plus Docker's extensions <see cref="Healthcheck"/>, <see cref="OnBuild"/> and
/// <see cref="Shell"/> (Docker image spec v1.2). Empty values are left out of the JSON, as Docker's
/// <c>omitempty</c> does.
/// </summary>
public sealed record ContainerConfig
{
    /// <summary>The user (and optional group) processes run as: <c>user</c>, <c>uid:gid</c>, …</summary>
    public string? User { get; init; }

    /// <summary>Ports to expose, as <c>port/protocol</c> (<c>80/tcp</c>), sorted.</summary>
    public ImmutableSortedSet<string> ExposedPorts { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>Environment variables as <c>NAME=value</c>, in the order they were set.</summary>
    public ImmutableArray<string> Env { get; init; } = [];

    /// <summary>The entrypoint arguments.</summary>
    public ImmutableArray<string> Entrypoint { get; init; } = [];

    /// <summary>The default arguments (to the entrypoint, or the command if there is none).</summary>
    public ImmutableArray<string> Cmd { get; init; } = [];

    /// <summary>Paths where anonymous volumes are created, sorted.</summary>
    public ImmutableSortedSet<string> Volumes { get; init; } = ImmutableSortedSet.Create<string>(StringComparer.Ordinal);

    /// <summary>The working directory of the container's process.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Arbitrary metadata, sorted by key.</summary>
    public ImmutableSortedDictionary<string, string> Labels { get; init; } =
        ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>The signal sent to stop the container: <c>SIGTERM</c>, <c>9</c>, …</summary>
    public string? StopSignal { get; init; }

    /// <summary>
    /// Whether <see cref="Entrypoint"/>/<see cref="Cmd"/> are already escaped (a Windows-only flag; Docker sets it
    /// for shell-form commands on Windows images).
    /// </summary>
    public bool ArgsEscaped { get; init; }

    /// <summary>The HEALTHCHECK, or <see langword="null"/> to inherit none.</summary>
    public Healthcheck? Healthcheck { get; init; }

    /// <summary>ONBUILD triggers, as written after <c>ONBUILD</c>.</summary>
    public ImmutableArray<string> OnBuild { get; init; } = [];

    /// <summary>The shell for shell-form RUN, CMD and ENTRYPOINT (SHELL); empty means the default.</summary>
    public ImmutableArray<string> Shell { get; init; } = [];
}
