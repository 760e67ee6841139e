namespace Builder.Graph;

/// <summary>
/// A secret given to the build (<c>RUN --mount=type=secret</c>), as a file, an environment variable or both. The
/// secret's value is never part of the key.
/// </summary>
/// <param name="Id">The secret id (<c>--secret id=…</c>).</param>
public sealed record SecretMount(string Id) : ExecMount
{
    /// <summary>The file path in the container, or <see langword="null"/> when only <see cref="Env"/> is set.</summary>
    public string? Target { get; init; }

    /// <summary>The environment variable that receives the value (<c>env=</c>), or <see langword="null"/>.</summary>
    public string? Env { get; init; }

    /// <summary>Whether the build fails when the secret is not given.</summary>
    public bool Required { get; init; }

    /// <summary>The permission bits of the file; <c>0400</c> by default.</summary>
    public int Mode { get; init; } = 0b100_000_000;

    /// <summary>The owner uid of the file.</summary>
    public int Uid { get; init; }

    /// <summary>The owner gid of the file.</summary>
    public int Gid { get; init; }

    internal override string Kind => "secret";

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.String("id", Id);
        writer.String("target", Target);
        writer.String("env", Env);
        writer.Boolean("required", Required);
        writer.String("mode", FileModes.Format(Mode));
        writer.Integer("uid", Uid);
        writer.Integer("gid", Gid);
    }

    internal override string Describe() => Target ?? "$" + Env;
}
