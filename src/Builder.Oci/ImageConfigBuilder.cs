using System.Collections.Immutable;

namespace Builder.Oci;

/// <summary>
/// A mutable image config, for a frontend to apply a stage's instructions to in order; ends in
/// <see cref="Build"/>. Start from <see cref="ImageConfig.ToBuilder"/> (the base image's config) or
/// <see cref="ImageConfig.Empty"/>.
/// </summary>
public sealed class ImageConfigBuilder
{
    private readonly List<string> _env;
    private readonly ImmutableSortedSet<string>.Builder _exposedPorts;
    private readonly ImmutableSortedSet<string>.Builder _volumes;
    private readonly ImmutableSortedDictionary<string, string>.Builder _labels;
    private readonly List<string> _onBuild;
    private readonly List<Digest> _diffIds;
    // Persistent, so a builder started from another shares its history instead of copying it: a chain of N
    // stages built FROM each other then costs time linear in N, not N² (issue 14).
    private ImmutableList<HistoryEntry> _history;

    /// <summary>Starts from a copy of <paramref name="config"/>.</summary>
    public ImageConfigBuilder(ImageConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        ContainerConfig c = config.Config;
        (Created, Author, OS, Architecture, Variant) =
            (config.Created, config.Author, config.OS, config.Architecture, config.Variant);
        (User, WorkingDir, StopSignal, ArgsEscaped, Healthcheck) =
            (c.User, c.WorkingDir, c.StopSignal, c.ArgsEscaped, c.Healthcheck);
        (Entrypoint, Cmd, Shell) = (c.Entrypoint, c.Cmd, c.Shell);
        _env = [.. c.Env];
        _exposedPorts = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        _exposedPorts.UnionWith(c.ExposedPorts);
        _volumes = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        _volumes.UnionWith(c.Volumes);
        _labels = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        _labels.AddRange(c.Labels);
        _onBuild = [.. c.OnBuild];
        _diffIds = [.. config.RootFs.DiffIds];
        _history = [.. config.History];
    }

    /// <summary>
    /// Starts from a copy of what <paramref name="other"/> holds now, as <c>new ImageConfigBuilder(other.Build())</c>
    /// would, without copying the history.
    /// </summary>
    public ImageConfigBuilder(ImageConfigBuilder other)
    {
        ArgumentNullException.ThrowIfNull(other);
        (Created, Author, OS, Architecture, Variant) = (other.Created, other.Author, other.OS, other.Architecture, other.Variant);
        (User, WorkingDir, StopSignal, ArgsEscaped, Healthcheck) =
            (other.User, other.WorkingDir, other.StopSignal, other.ArgsEscaped, other.Healthcheck);
        (Entrypoint, Cmd, Shell) = (other.Entrypoint.IsDefault ? [] : other.Entrypoint, other.Cmd.IsDefault ? [] : other.Cmd,
            other.Shell.IsDefault ? [] : other.Shell);
        _env = [.. other._env];
        _exposedPorts = other._exposedPorts.ToImmutable().ToBuilder();
        _volumes = other._volumes.ToImmutable().ToBuilder();
        _labels = other._labels.ToImmutable().ToBuilder();
        _onBuild = [.. other._onBuild];
        _diffIds = [.. other._diffIds];
        _history = other._history;
    }

    /// <summary>See <see cref="ImageConfig.Created"/>.</summary>
    public DateTimeOffset? Created { get; set; }

    /// <summary>See <see cref="ImageConfig.Author"/>.</summary>
    public string? Author { get; set; }

    /// <summary>See <see cref="ImageConfig.OS"/>.</summary>
    public string OS { get; set; }

    /// <summary>See <see cref="ImageConfig.Architecture"/>.</summary>
    public string Architecture { get; set; }

    /// <summary>See <see cref="ImageConfig.Variant"/>.</summary>
    public string Variant { get; set; }

    /// <summary>USER: see <see cref="ContainerConfig.User"/>.</summary>
    public string? User { get; set; }

    /// <summary>WORKDIR: see <see cref="ContainerConfig.WorkingDir"/>.</summary>
    public string? WorkingDir { get; set; }

    /// <summary>STOPSIGNAL: see <see cref="ContainerConfig.StopSignal"/>.</summary>
    public string? StopSignal { get; set; }

    /// <summary>See <see cref="ContainerConfig.ArgsEscaped"/>.</summary>
    public bool ArgsEscaped { get; set; }

    /// <summary>HEALTHCHECK: see <see cref="ContainerConfig.Healthcheck"/>.</summary>
    public Healthcheck? Healthcheck { get; set; }

    /// <summary>ENTRYPOINT: see <see cref="ContainerConfig.Entrypoint"/>.</summary>
    public ImmutableArray<string> Entrypoint { get; set; }

    /// <summary>CMD: see <see cref="ContainerConfig.Cmd"/>.</summary>
    public ImmutableArray<string> Cmd { get; set; }

    /// <summary>SHELL: see <see cref="ContainerConfig.Shell"/>.</summary>
    public ImmutableArray<string> Shell { get; set; }

    /// <summary>The ONBUILD triggers, in order.</summary>
    public IReadOnlyList<string> OnBuild => _onBuild;

    /// <summary>The environment as <c>NAME=value</c> entries, in order.</summary>
    public IReadOnlyList<string> Env => _env;

    /// <summary>
    /// ENV: sets <paramref name="name"/>, replacing an existing entry in place or appending a new one, as
    /// BuildKit's Dockerfile frontend does (<c>addEnv</c>).
    /// </summary>
    public ImageConfigBuilder SetEnv(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string entry = $"{name}={value}";
        int index = _env.FindIndex(e => EnvName(e) == name);
        if (index >= 0)
            _env[index] = entry;
        else
            _env.Add(entry);
        return this;
    }

    /// <summary>The value of environment variable <paramref name="name"/>, or <see langword="null"/>.</summary>
    public string? GetEnv(string name)
    {
        foreach (string entry in _env)
        {
            if (EnvName(entry) == name)
                return entry.Length > name.Length ? entry[(name.Length + 1)..] : "";
        }
        return null;
    }

    /// <summary>LABEL: sets one label.</summary>
    public ImageConfigBuilder SetLabel(string key, string value)
    {
        _labels[key] = value;
        return this;
    }

    /// <summary>EXPOSE: adds a port as <c>port/protocol</c> (<c>80/tcp</c>).</summary>
    public ImageConfigBuilder AddExposedPort(string port)
    {
        _exposedPorts.Add(port);
        return this;
    }

    /// <summary>VOLUME: adds a volume path.</summary>
    public ImageConfigBuilder AddVolume(string path)
    {
        _volumes.Add(path);
        return this;
    }

    /// <summary>ONBUILD: adds a trigger, as written after <c>ONBUILD</c>.</summary>
    public ImageConfigBuilder AddOnBuild(string trigger)
    {
        _onBuild.Add(trigger);
        return this;
    }

    /// <summary>Clears the ONBUILD triggers, as a stage built FROM an image does once it has run them.</summary>
    public ImageConfigBuilder ClearOnBuild()
    {
        _onBuild.Clear();
        return this;
    }

    /// <summary>Records a step that made a layer with DiffID <paramref name="diffId"/>.</summary>
    public ImageConfigBuilder AddLayer(Digest diffId, HistoryEntry history)
    {
        ArgumentNullException.ThrowIfNull(history);
        _diffIds.Add(diffId);
        _history = _history.Add(history with { EmptyLayer = false });
        return this;
    }

    /// <summary>Records a history entry as is (set <see cref="HistoryEntry.EmptyLayer"/> for steps without a layer).</summary>
    public ImageConfigBuilder AddHistory(HistoryEntry history)
    {
        ArgumentNullException.ThrowIfNull(history);
        _history = _history.Add(history);
        return this;
    }

    /// <summary>The immutable config.</summary>
    public ImageConfig Build() => new()
    {
        Created = Created,
        Author = Author,
        OS = OS,
        Architecture = Architecture,
        Variant = Variant,
        Config = new ContainerConfig
        {
            User = User,
            ExposedPorts = _exposedPorts.ToImmutable(),
            Env = [.. _env],
            Entrypoint = Entrypoint.IsDefault ? [] : Entrypoint,
            Cmd = Cmd.IsDefault ? [] : Cmd,
            Volumes = _volumes.ToImmutable(),
            WorkingDir = WorkingDir,
            Labels = _labels.ToImmutable(),
            StopSignal = StopSignal,
            ArgsEscaped = ArgsEscaped,
            Healthcheck = Healthcheck,
            OnBuild = [.. _onBuild],
            Shell = Shell.IsDefault ? [] : Shell,
        },
        RootFs = new RootFs { DiffIds = [.. _diffIds] },
        History = [.. _history],
    };

    private static string EnvName(string entry)
    {
        int equals = entry.IndexOf('=');
        return equals < 0 ? entry : entry[..equals];
    }
}
