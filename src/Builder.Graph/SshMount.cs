namespace Builder.Graph;

/// <summary>An SSH agent socket forwarded to the build (<c>RUN --mount=type=ssh</c>).</summary>
/// <param name="Id">The SSH id (<c>--ssh id=…</c>); <c>default</c> when not given.</param>
public sealed record SshMount(string Id = SshMount.DefaultId) : ExecMount
{
    /// <summary>The id used when none is given.</summary>
    public const string DefaultId = "default";

    /// <summary>The socket path in the container, or <see langword="null"/> for the executor's default.</summary>
    public string? Target { get; init; }

    /// <summary>Whether the build fails when the agent is not given.</summary>
    public bool Required { get; init; }

    /// <summary>The permission bits of the socket; <c>0600</c> by default.</summary>
    public int Mode { get; init; } = 0b110_000_000;

    /// <summary>The owner uid of the socket.</summary>
    public int Uid { get; init; }

    /// <summary>The owner gid of the socket.</summary>
    public int Gid { get; init; }

    internal override string Kind => "ssh";

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.String("id", Id);
        writer.String("target", Target);
        writer.Boolean("required", Required);
        writer.String("mode", FileModes.Format(Mode));
        writer.Integer("uid", Uid);
        writer.Integer("gid", Gid);
    }

    internal override string Describe() => Target ?? Id;
}
