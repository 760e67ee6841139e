using System.Collections.Immutable;
using System.Text.Json;
using Builder.Frontend.Diagnostics;

namespace Builder.Frontend.Syntax;

/// <summary>
/// Splits one joined instruction line into keyword, flags and arguments with the splitting rule BuildKit's
/// parser uses for that keyword (its <c>dispatch</c> table).
/// </summary>
internal sealed class InstructionSyntaxBuilder(string file, char escapeToken, LineMap map)
{
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 10_000 };

    /// <summary>Instructions whose shell form may open heredocs (BuildKit's heredocDirectives).</summary>
    private static readonly HashSet<string> HeredocKeywords = ["run", "copy", "add"];

    public InstructionSyntax Build(string text, int startLine, int endLine, int endLineLength) =>
        Build(text, startLine, endLine, endLineLength, nesting: 0);

    private InstructionSyntax Build(string text, int startLine, int endLine, int endLineLength, int nesting)
    {
        int keywordStart = 0;
        while (keywordStart < text.Length && char.IsWhiteSpace(text[keywordStart])) keywordStart++;
        int keywordEnd = keywordStart;
        while (keywordEnd < text.Length && WordGrammar.DelimiterWhitespace.IndexOf(text[keywordEnd]) < 0) keywordEnd++;
        string keyword = text[keywordStart..keywordEnd];

        (List<SyntaxWord> flags, int argumentsStart) = keywordEnd < text.Length
            ? WordGrammar.ReadFlags(text, keywordEnd)
            : ([], text.Length);
        int argumentsEnd = text.Length;
        while (argumentsStart < argumentsEnd && char.IsWhiteSpace(text[argumentsStart])) argumentsStart++;
        while (argumentsEnd > argumentsStart && char.IsWhiteSpace(text[argumentsEnd - 1])) argumentsEnd--;

        (int startLineOfKeyword, int startColumn) = map.Locate(keywordStart);
        var span = new SourceSpan(file, startLineOfKeyword, startColumn, endLine, Math.Max(1, endLineLength));
        var arguments = new Arguments(text, argumentsStart, argumentsEnd);
        string lower = keyword.ToLowerInvariant();
        InstructionSyntax? subcommand = null;
        List<SyntaxWord> words;
        bool json = false;

        switch (lower)
        {
            case "run" or "cmd" or "entrypoint" or "shell":
                (words, json) = MaybeJson(arguments, text, span, fallBackToWords: false);
                break;
            case "add" or "copy" or "volume":
                (words, json) = MaybeJson(arguments, text, span, fallBackToWords: true);
                break;
            case "from" or "expose":
                words = WordGrammar.ReadDelimitedWords(text, argumentsStart, argumentsEnd);
                break;
            case "maintainer" or "stopsignal" or "user" or "workdir":
                words = arguments.IsEmpty ? [] : [arguments.Whole];
                break;
            case "env" or "label":
                words = KeyValuePairs(arguments, text, keyword, span);
                break;
            case "arg":
                words = WordGrammar.ReadQuotedWords(text[..argumentsEnd], argumentsStart, escapeToken);
                break;
            case "healthcheck":
                (words, json) = HealthCheck(arguments, text, span);
                break;
            case "onbuild":
                words = [];
                if (!arguments.IsEmpty)
                {
                    if (nesting > 0)
                    {
                        throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.MisplacedInstruction,
                            span, text, "ONBUILD ONBUILD is not allowed", "put only one ONBUILD before the instruction"));
                    }
                    var inner = new InstructionSyntaxBuilder(file, escapeToken, map.Slice(argumentsStart));
                    subcommand = inner.Build(text[argumentsStart..argumentsEnd], startLine, endLine, endLineLength, nesting + 1);
                }
                break;
            default:
                // BuildKit's parser keeps unknown keywords (parseIgnore); the instruction layer reports them.
                words = [];
                break;
        }

        ImmutableArray<Heredoc> heredocs = HeredocKeywords.Contains(lower) && !json
            ? HeredocMarkers.Find(text[argumentsStart..argumentsEnd])
            : [];
        return new InstructionSyntax(keyword, [.. flags], [.. words], json, heredocs, subcommand, text, span, map);
    }

    /// <summary>The arguments part of the line: everything after the flags, trimmed.</summary>
    private readonly record struct Arguments(string Text, int Start, int End)
    {
        public bool IsEmpty => Start >= End;

        public string Value => Text[Start..End];

        public SyntaxWord Whole => new(Value, Start, End - Start);
    }

    // BuildKit's parseMaybeJSON / parseMaybeJSONToList: a JSON string array is the exec form; anything that is
    // not valid JSON falls back to the shell form (conformance cases "jeztah-invalid-json-*"); valid JSON that
    // is not an array of strings is an error (negative case "shykes-nested-json").
    private (List<SyntaxWord> Words, bool Json) MaybeJson(Arguments arguments, string text, SourceSpan span, bool fallBackToWords)
    {
        if (arguments.IsEmpty) return ([], false);
        if (TryJsonStringArray(arguments, text, span, out List<SyntaxWord>? elements)) return (elements, true);
        return fallBackToWords
            ? (WordGrammar.ReadDelimitedWords(text, arguments.Start, arguments.End), false)
            : ([arguments.Whole], false);
    }

    private bool TryJsonStringArray(Arguments arguments, string text, SourceSpan span, out List<SyntaxWord> elements)
    {
        elements = [];
        if (text[arguments.Start] != '[') return false;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(arguments.Value, JsonOptions);
        }
        catch (JsonException)
        {
            return false;
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array) return false;
            foreach (JsonElement element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String)
                {
                    throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.JsonNotStringArray,
                        map.SpanOf(arguments.Start, arguments.End - arguments.Start), text,
                        $"the JSON array {arguments.Value} must hold only strings",
                        "quote every element, for example: [\"echo\", \"hello\"]"));
                }
                string? value;
                try
                {
                    value = element.GetString();
                }
                catch (InvalidOperationException)
                {
                    return false; // a lone surrogate escape: not a usable exec form
                }
                elements.Add(new SyntaxWord(value ?? string.Empty, arguments.Start, arguments.End - arguments.Start));
            }
        }
        return true;
    }

    // BuildKit's parseNameVal: "KEY name value" (legacy, one pair, separator "") when the first word has no '=',
    // otherwise any number of name=value words (separator "="), each value keeping its quotes.
    private List<SyntaxWord> KeyValuePairs(Arguments arguments, string text, string keyword, SourceSpan span)
    {
        List<SyntaxWord> words = WordGrammar.ReadQuotedWords(text[..arguments.End], arguments.Start, escapeToken);
        if (words.Count == 0) return [];
        string name = keyword.ToUpperInvariant();
        if (!words[0].Value.Contains('='))
        {
            List<SyntaxWord> parts = WordGrammar.ReadDelimitedWords(text, arguments.Start, arguments.End);
            if (parts.Count < 2)
            {
                throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.InvalidKeyValue,
                    span, text, $"{name} must have two arguments: '{arguments.Value}' has no value",
                    $"write {name} {words[0].Value}=<value>"));
            }
            int valueStart = parts[1].Offset;
            return [parts[0], new SyntaxWord(text[valueStart..arguments.End], valueStart, arguments.End - valueStart), new SyntaxWord("", arguments.End, 0)];
        }
        var result = new List<SyntaxWord>(words.Count * 3);
        foreach (SyntaxWord word in words)
        {
            int equals = word.Value.IndexOf('=');
            if (equals < 0)
            {
                throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.InvalidKeyValue,
                    map.SpanOf(word.Offset, word.Length), text,
                    $"{name} cannot find '=' in '{word.Value}': it must be of the form name=value",
                    $"write {word.Value}=<value>, or quote a value that contains spaces"));
            }
            result.Add(new SyntaxWord(word.Value[..equals], word.Offset, equals));
            result.Add(new SyntaxWord(word.Value[(equals + 1)..], word.Offset + equals + 1, Math.Max(0, word.Length - equals - 1)));
            result.Add(new SyntaxWord("=", word.Offset + equals, 1));
        }
        return result;
    }

    // BuildKit's parseHealthConfig: the first word (CMD, NONE...), then the rest as for CMD.
    private (List<SyntaxWord> Words, bool Json) HealthCheck(Arguments arguments, string text, SourceSpan span)
    {
        if (arguments.IsEmpty) return ([], false);
        int separator = arguments.Start;
        while (separator < arguments.End && !char.IsWhiteSpace(text[separator])) separator++;
        int next = separator;
        while (next < arguments.End && char.IsWhiteSpace(text[next])) next++;
        var type = new SyntaxWord(text[arguments.Start..separator], arguments.Start, separator - arguments.Start);
        (List<SyntaxWord> command, bool json) = MaybeJson(new Arguments(text, next, arguments.End), text, span, fallBackToWords: false);
        return ([type, .. command], json);
    }
}
