using System.Collections.Immutable;

namespace Builder.Graph;

/// <summary>
/// A process run in a container (<c>RUN</c>); BuildKit's <c>ExecOp</c>. <c>Inputs[0]</c> is the root filesystem,
/// and the result is that filesystem after the process exits 0. Mounts may read further inputs by index.
/// </summary>
/// <param name="Args">The process and its arguments; a shell-form RUN is already <c>["/bin/sh", "-c", "…"]</c>.</param>
/// <param name="Env">The environment as <c>NAME=value</c>, in order.</param>
/// <param name="WorkingDirectory">The absolute working directory.</param>
/// <param name="User">The user as <c>user[:group]</c> or <c>uid[:gid]</c>; empty for root.</param>
public sealed record ExecStep(
    ImmutableArray<string> Args,
    ImmutableArray<string> Env,
    string WorkingDirectory,
    string User) : BuildStep
{
    private readonly ImmutableArray<ExecMount> _mounts = [];

    /// <summary>The process and its arguments.</summary>
    public ImmutableArray<string> Args { get; init; } = Args.IsDefault ? [] : Args;

    /// <summary>The environment as <c>NAME=value</c>, in order.</summary>
    public ImmutableArray<string> Env { get; init; } = Env.IsDefault ? [] : Env;

    /// <summary>The network the process sees (<c>RUN --network</c>).</summary>
    public NetworkMode Network { get; init; } = NetworkMode.Default;

    /// <summary>The sandbox of the process (<c>RUN --security</c>).</summary>
    public SecurityMode Security { get; init; } = SecurityMode.Sandbox;

    private readonly ImmutableArray<ExtraHost> _extraHosts = [];
    private readonly ImmutableArray<Ulimit> _ulimits = [];

    /// <summary>Lines added to the container's <c>/etc/hosts</c> (the build's <c>--add-host</c>).</summary>
    public ImmutableArray<ExtraHost> ExtraHosts
    {
        get => _extraHosts;
        init => _extraHosts = value.IsDefault ? [] : value;
    }

    /// <summary>Resource limits of the process (the build's <c>--ulimit</c>); none: it inherits the builder's.</summary>
    public ImmutableArray<Ulimit> Ulimits
    {
        get => _ulimits;
        init => _ulimits = value.IsDefault ? [] : value;
    }

    /// <summary>Mounts over the root filesystem (<c>RUN --mount</c>), applied in order.</summary>
    public ImmutableArray<ExecMount> Mounts
    {
        get => _mounts;
        init => _mounts = value.IsDefault ? [] : value;
    }

    internal override string Kind => "exec";

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.Strings("args", Args);
        writer.Strings("env", Env);
        writer.String("workingDirectory", WorkingDirectory);
        writer.String("user", User);
        writer.String("network", Network.ToString());
        writer.String("security", Security.ToString());
        writer.BeginList("mounts", Mounts.Length);
        foreach (ExecMount mount in Mounts)
        {
            writer.BeginItem(mount.Kind);
            mount.WriteFields(writer);
            writer.EndItem();
        }
        writer.EndList();
        // Written only when set, as BuildKit's ExecOp meta leaves them out when empty: a step without them keeps the
        // key it had before these fields existed.
        if (!ExtraHosts.IsEmpty)
        {
            writer.BeginList("extraHosts", ExtraHosts.Length);
            foreach (ExtraHost host in ExtraHosts)
            {
                writer.BeginItem("host");
                writer.String("host", host.Host);
                writer.String("address", host.Address);
                writer.EndItem();
            }
            writer.EndList();
        }
        if (!Ulimits.IsEmpty)
        {
            writer.BeginList("ulimits", Ulimits.Length);
            foreach (Ulimit limit in Ulimits)
            {
                writer.BeginItem("ulimit");
                writer.String("name", limit.Name);
                writer.Integer("soft", limit.Soft);
                writer.Integer("hard", limit.Hard);
                writer.EndItem();
            }
            writer.EndList();
        }
    }

    internal override string Describe() => string.Join(' ', Args);

    internal override string? InputProblem()
    {
        if (Inputs.IsEmpty)
            return "an exec step needs its root filesystem as input 0";
        foreach (ExecMount mount in Mounts)
        {
            if (mount.InputIndex is { } index && (index < 0 || index >= Inputs.Length))
                return $"the {mount.Kind} mount on '{mount.Describe()}' reads input {index}, but the step has {Inputs.Length} inputs";
        }
        return null;
    }
}
