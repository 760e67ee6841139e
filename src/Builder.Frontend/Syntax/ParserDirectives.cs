using System.Collections.Immutable;

namespace Builder.Frontend.Syntax;

/// <summary>
/// The parser directives at the top of a Dockerfile (<c># syntax=</c>, <c># escape=</c>, <c># check=</c>).
/// </summary>
/// <param name="EscapeToken">The escape and line-continuation character: <c>\</c> (default) or <c>`</c>.</param>
/// <param name="Syntax">The frontend image named by <c># syntax=</c>, if any.</param>
/// <param name="CheckSkip">Build checks named in <c># check=skip=a,b</c> (or <c>all</c>).</param>
/// <param name="CheckError">True for <c># check=error=true</c>: check warnings fail the build.</param>
public sealed record ParserDirectives(char EscapeToken, string? Syntax, ImmutableArray<string> CheckSkip, bool CheckError)
{
    /// <summary>The directives of a Dockerfile that has none.</summary>
    public static ParserDirectives Default { get; } = new('\\', null, [], false);
}
