namespace Builder.Frontend.Checks;

/// <summary>
/// One build check (BuildKit's <c>linter.LinterRule</c>): its name, what it is about, and the page that explains it.
/// The rules themselves are in <see cref="CheckRules"/>.
/// </summary>
/// <param name="Name">BuildKit's name, which <c># check=skip=</c> and the output use (<c>UndefinedVar</c>).</param>
/// <param name="Description">One sentence on what the rule wants.</param>
/// <param name="Url">The rule's page on docs.docker.com, or null (InvalidBaseImagePlatform has none).</param>
/// <param name="Experimental">Off unless <c># check=experimental=NAME</c> (or <c>all</c>) turns it on.</param>
public sealed record CheckRule(string Name, string Description, string? Url, bool Experimental = false);
