using System.Collections.Immutable;
using Builder.Frontend.Instructions;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Subrequests;

/// <summary>
/// One stage as <c>--call targets</c> lists it (BuildKit's targets.Target, dockerfile2llb ListTargets).
/// </summary>
/// <param name="Name">The stage's name (lower case), or "" when it has none.</param>
/// <param name="Description">The text after <c># NAME </c> in the comments right above its FROM, or "".</param>
/// <param name="Default">Whether it is the last stage, which a build without --target builds.</param>
/// <param name="BaseName">The image or stage it starts from, as written.</param>
/// <param name="Platform">Its <c>--platform</c>, as written, or null.</param>
/// <param name="Line">The line of its FROM.</param>
public sealed record StageTarget(string Name, string Description, bool Default, string BaseName, string? Platform, int Line)
{
    /// <summary>The stages of <paramref name="dockerfile"/>, in order.</summary>
    public static ImmutableArray<StageTarget> List(DockerfileSyntax dockerfile)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        FromInstruction[] froms = [.. InstructionParser.Parse(dockerfile).OfType<FromInstruction>()];
        return [.. froms.Select((f, i) => new StageTarget(f.StageName ?? "", Describe(f), i == froms.Length - 1, f.BaseName, f.Platform, f.Syntax.Span.StartLine))];
    }

    // instructions.getComment: the first comment line that starts with the stage's name and a space.
    private static string Describe(FromInstruction from)
    {
        if (from.StageName is not { } name) return "";
        return from.Syntax.Comments.FirstOrDefault(c => c.StartsWith(name + " ", StringComparison.Ordinal)) is { } line ? line[(name.Length + 1)..] : "";
    }
}
