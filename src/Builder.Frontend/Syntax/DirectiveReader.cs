using Builder.Frontend.Diagnostics;

namespace Builder.Frontend.Syntax;

/// <summary>
/// Reads parser directives from the top of a Dockerfile. As in BuildKit, directives are looked for only until
/// the first line that is not a known directive: an instruction, an empty line, a plain comment, or a directive
/// with an unknown name (which is then a comment).
/// </summary>
internal sealed class DirectiveReader(string file)
{
    private static readonly string[] KnownDirectives = ["syntax", "escape", "check"];
    private readonly HashSet<string> _seen = [];
    private bool _done;

    public char EscapeToken { get; private set; } = '\\';

    public string? Syntax { get; private set; }

    public string? Check { get; private set; }

    public int CheckLine { get; private set; }

    public ParserDirectives Directives => new(EscapeToken, Syntax, Check, CheckLine);

    /// <summary>
    /// Looks at one line (leading whitespace already removed) while directives may still appear; true when the line
    /// was a directive (BuildKit then leaves it out of the comments before the first instruction).
    /// </summary>
    public bool Read(string line, int lineNumber)
    {
        if (_done) return false;
        if (!WordGrammar.TryReadDirective(line, out string name, out string value)
            || !KnownDirectives.Contains(name.ToLowerInvariant()))
        {
            _done = true;
            return false;
        }
        name = name.ToLowerInvariant();
        if (!_seen.Add(name))
        {
            throw Error(lineNumber, line, $"only one '{name}' parser directive can be used",
                "remove the repeated directive");
        }
        switch (name)
        {
            case "escape":
                if (value is not ("\\" or "`"))
                {
                    throw Error(lineNumber, line, $"invalid escape token '{value}': it must be ` or \\",
                        "write '# escape=`' or '# escape=\\'");
                }
                EscapeToken = value[0];
                break;
            case "syntax":
                Syntax = value;
                break;
            case "check":
                (Check, CheckLine) = (value, lineNumber);
                break;
        }
        return true;
    }

    private DockerfileException Error(int lineNumber, string line, string message, string hint) =>
        new(new DockerfileDiagnostic(DiagnosticCodes.InvalidDirective,
            new SourceSpan(file, lineNumber, 1, lineNumber, Math.Max(1, line.Length)), line, message, hint));
}
