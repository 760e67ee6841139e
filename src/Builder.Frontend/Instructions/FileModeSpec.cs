using System.Collections.Immutable;
using Sprache;

namespace Builder.Frontend.Instructions;

/// <summary>
/// A <c>--chmod</c> value: an octal mode (<c>755</c>, <c>0644</c>) or chmod(1) symbolic clauses
/// (<c>u+rwx,g-w,o=rX</c>), as the Dockerfile reference allows for COPY and ADD.
/// </summary>
/// <param name="Octal">The octal mode, or null for a symbolic spec.</param>
/// <param name="Clauses">The symbolic clauses, in order (empty for an octal mode).</param>
public sealed record FileModeSpec(uint? Octal, ImmutableArray<string> Clauses)
{
    private static readonly Parser<uint> OctalMode =
        from digits in Parse.Chars("01234567").Repeat(1, 4).Text()
        select Convert.ToUInt32(digits, 8);

    // who: [ugoa]*, then one or more (op perms) pairs: op in +-=, perms [rwxXst]* or a single [ugo].
    private static readonly Parser<string> Clause =
        from who in Parse.Chars("ugoa").Many().Text()
        from actions in (
            from op in Parse.Chars("+-=")
            from perms in Parse.Chars("rwxXst").AtLeastOnce().Text().Or(Parse.Chars("ugo").Once().Text()).Or(Parse.Return(""))
            select op + perms).AtLeastOnce()
        select who + string.Concat(actions);

    private static readonly Parser<FileModeSpec> Spec =
        OctalMode.End().Select(mode => new FileModeSpec(mode, []))
            .Or(Clause.DelimitedBy(Parse.Char(',')).End().Select(clauses => new FileModeSpec(null, [.. clauses])));

    /// <summary>Reads a --chmod value; false when it is neither octal nor symbolic.</summary>
    public static bool TryParse(string text, out FileModeSpec spec)
    {
        IResult<FileModeSpec> result = Spec.TryParse(text);
        spec = result.WasSuccessful ? result.Value : new FileModeSpec(null, []);
        return result.WasSuccessful;
    }
}
