using System.Collections.Immutable;

namespace Builder.Graph;

/// <summary>
/// Files of the build context or of a named context (<c>--build-context name=path</c>); BuildKit's
/// <c>local://</c> source. The patterns say which files the step reads, so the cache can hash only those.
/// </summary>
/// <param name="Name">The context name: <see cref="DefaultName"/> for the main build context.</param>
/// <param name="IncludePatterns">Only paths matching one of these are read; empty reads everything.</param>
/// <param name="ExcludePatterns">
/// Paths matching these are left out, in <c>.dockerignore</c> syntax (the frontend adds the .dockerignore lines).
/// </param>
public sealed record ContextSourceStep(
    string Name,
    ImmutableArray<string> IncludePatterns = default,
    ImmutableArray<string> ExcludePatterns = default) : BuildStep
{
    /// <summary>The name of the main build context.</summary>
    public const string DefaultName = "context";

    /// <summary>The prefix of the name of a named directory context (<c>--build-context NAME=DIR</c>).</summary>
    public const string NamedPrefix = "named:";

    /// <summary>Only paths matching one of these are read; empty reads everything.</summary>
    public ImmutableArray<string> IncludePatterns { get; init; } = IncludePatterns.IsDefault ? [] : IncludePatterns;

    /// <summary>Paths matching these are left out, in <c>.dockerignore</c> syntax.</summary>
    public ImmutableArray<string> ExcludePatterns { get; init; } = ExcludePatterns.IsDefault ? [] : ExcludePatterns;

    internal override string Kind => "context";

    internal override void WriteFields(IStepFieldWriter writer)
    {
        writer.String("name", Name);
        writer.Strings("includePatterns", IncludePatterns);
        writer.Strings("excludePatterns", ExcludePatterns);
    }

    internal override string Describe() =>
        Name + (IncludePatterns.IsDefaultOrEmpty ? "" : " " + string.Join(' ', IncludePatterns));
}
