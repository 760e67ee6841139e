using System.Collections.Immutable;

namespace Builder.Cli.Compose;

/// <summary>What <c>imgbuild compose</c>'s command line and environment say about which project to load.</summary>
internal sealed record ComposeLoadOptions
{
    /// <summary>The process environment; it wins over <c>.env</c> files.</summary>
    public required Func<string, string?> Environment { get; init; }

    /// <summary><c>-f</c>, in order; empty: <c>COMPOSE_FILE</c>, else compose.yaml (and its override file) in <see cref="WorkingDirectory"/>.</summary>
    public ImmutableArray<string> Files { get; init; } = [];

    /// <summary><c>-p</c>/<c>--project-name</c>.</summary>
    public string? ProjectName { get; init; }

    /// <summary><c>--project-directory</c>; default: the first compose file's directory.</summary>
    public string? ProjectDirectory { get; init; }

    /// <summary><c>--env-file</c>, in order; empty: <c>.env</c> in the project directory, if there is one.</summary>
    public ImmutableArray<string> EnvFiles { get; init; } = [];

    /// <summary><c>--profile</c>; empty: <c>COMPOSE_PROFILES</c>.</summary>
    public ImmutableArray<string> Profiles { get; init; } = [];

    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();
}
