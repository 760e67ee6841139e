namespace Builder.Frontend.Syntax;

/// <summary>
/// The parser directives at the top of a Dockerfile (<c># syntax=</c>, <c># escape=</c>, <c># check=</c>).
/// </summary>
/// <param name="EscapeToken">The escape and line-continuation character: <c>\</c> (default) or <c>`</c>.</param>
/// <param name="Syntax">The frontend image named by <c># syntax=</c>, if any.</param>
/// <param name="Check">
/// The value of <c># check=</c> as written (<c>skip=a,b;error=true</c>), or null. It is read by
/// <see cref="Checks.CheckConfig.TryParse"/> when checks run, as BuildKit reads it in its linter (a bad value fails
/// the build there, not the parse).
/// </param>
/// <param name="CheckLine">The line of the <c># check=</c> directive, 0 when there is none.</param>
public sealed record ParserDirectives(char EscapeToken, string? Syntax, string? Check = null, int CheckLine = 0)
{
    /// <summary>The directives of a Dockerfile that has none.</summary>
    public static ParserDirectives Default { get; } = new('\\', null);
}
