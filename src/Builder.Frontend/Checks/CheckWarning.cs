using Builder.Frontend.Diagnostics;

namespace Builder.Frontend.Checks;

/// <summary>One build check that fired: the rule, its message, and the lines it is about.</summary>
/// <param name="Rule">The rule.</param>
/// <param name="Detail">The message (BuildKit's "detail"), for example <c>Usage of undefined variable '$FOO'</c>.</param>
/// <param name="Location">The instruction's lines (a FROM's for stage rules).</param>
public sealed record CheckWarning(CheckRule Rule, string Detail, SourceSpan Location)
{
    /// <summary>
    /// BuildKit's one-line form (linter.LintFormatShort), which a build's progress shows:
    /// <c>UndefinedVar: Usage of undefined variable '$FOO' (line 3)</c>.
    /// </summary>
    public string Short => Location.StartLine > 0 ? $"{Rule.Name}: {Detail} (line {Location.StartLine})" : $"{Rule.Name}: {Detail}";
}
