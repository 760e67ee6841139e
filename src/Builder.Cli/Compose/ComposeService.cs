using System.Collections.Immutable;

namespace Builder.Cli.Compose;

/// <summary>
/// One enabled service of a compose project: its <c>build:</c> section (null when it only runs an image), the image
/// names a build stores it under (<c>image:</c>, default <c>PROJECT-SERVICE</c>, then <c>build.tags</c>), and the
/// services it needs built first (<c>depends_on</c>, and <c>service:NAME</c> additional contexts).
/// </summary>
internal sealed record ComposeService(string Name, ComposeBuild? Build, ImmutableArray<string> Names)
{
    public ImmutableArray<string> DependsOn { get; init; } = [];

    /// <summary>The services named by <c>additional_contexts: {NAME: service:SERVICE}</c>.</summary>
    public ImmutableArray<string> ContextServices { get; init; } = [];
}
