using System.Collections.Immutable;
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

    public ImmutableArray<string> CheckSkip { get; private set; } = [];

    public bool CheckError { get; private set; }

    public ParserDirectives Directives => new(EscapeToken, Syntax, CheckSkip, CheckError);

    /// <summary>Looks at one line (leading whitespace already removed) while directives may still appear.</summary>
    public void Read(string line, int lineNumber)
    {
        if (_done) return;
        if (!WordGrammar.TryReadDirective(line, out string name, out string value)
            || !KnownDirectives.Contains(name.ToLowerInvariant()))
        {
            _done = true;
            return;
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
                ReadCheck(value, lineNumber, line);
                break;
        }
    }

    // # check=skip=<name,...|all>;error=<true|false> (Dockerfile reference, "check").
    private void ReadCheck(string value, int lineNumber, string line)
    {
        foreach (string part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] keyValue = part.Split('=', 2, StringSplitOptions.TrimEntries);
            string key = keyValue[0].ToLowerInvariant();
            string setting = keyValue.Length == 2 ? keyValue[1] : string.Empty;
            if (key == "skip")
            {
                CheckSkip = [.. setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
            }
            else if (key == "error" && bool.TryParse(setting, out bool error))
            {
                CheckError = error;
            }
            else
            {
                throw Error(lineNumber, line, $"invalid check directive '{part}'",
                    "write '# check=skip=<check,...|all>' and/or 'error=true|false', separated by ';'");
            }
        }
    }

    private DockerfileException Error(int lineNumber, string line, string message, string hint) =>
        new(new DockerfileDiagnostic(DiagnosticCodes.InvalidDirective,
            new SourceSpan(file, lineNumber, 1, lineNumber, Math.Max(1, line.Length)), line, message, hint));
}
