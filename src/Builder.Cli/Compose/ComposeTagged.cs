namespace Builder.Cli.Compose;

/// <summary>
/// A value an override file tags to change how it merges (compose spec, merge.md): <c>!reset</c> removes what earlier
/// files set, <c>!override</c> replaces it whole instead of merging.
/// </summary>
internal sealed record ComposeTagged(string Tag, object? Value)
{
    public const string Reset = "!reset";
    public const string Override = "!override";
}
