using System.Collections.Immutable;
using System.Text;

namespace Builder.Frontend.Expansion;

/// <summary>
/// One expansion of one input by a <see cref="ShellLexer"/>: a recursive descent over the text that keeps the
/// position, the way BuildKit's <c>shellWord</c> does. Recursion only happens through <c>${name op word}</c>,
/// and its depth is limited so that no input can overflow the stack.
/// </summary>
internal sealed class ShellWordScanner
{
    // BuildKit (Go) has growable stacks and no limit; .NET would crash on a stack overflow, which no
    // exception handler can catch. No real Dockerfile nests ${...} anywhere near this deep.
    private const int MaxNesting = 200;

    private const string SupportedModifiers = "${a:-b} ${a-b} ${a:+b} ${a+b} ${a:?m} ${a?m} ${a#p} ${a##p} ${a%p} ${a%%p} ${a/p/r} ${a//p/r}";

    private readonly string _text;
    private readonly char _escape;
    private readonly ShellLexerOptions _options;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly ISet<string>? _usedVariables;
    private readonly ICollection<string>? _unsetVariables;
    private int _position;
    private int _nesting;
    private bool _rawEscapes;

    public ShellWordScanner(ShellLexer lexer, string text, IReadOnlyDictionary<string, string> environment, ISet<string>? usedVariables,
        ICollection<string>? unsetVariables = null)
    {
        _unsetVariables = unsetVariables;
        _text = text;
        _escape = lexer.EscapeCharacter;
        _options = lexer.Options;
        _environment = environment;
        _usedVariables = usedVariables;
    }

    private bool AtEnd => _position >= _text.Length;

    /// <summary>Expands the whole input; the words are computed only when asked for.</summary>
    public (string Word, ImmutableArray<string> Words) Expand(bool splitWords)
    {
        WordSplitter? words = splitWords ? new WordSplitter() : null;
        string word = ExpandUntil(stop: null, _options.RawEscapes, words, out _);
        return (word, words?.ToImmutable() ?? []);
    }

    /// <summary>
    /// Expands from the current position up to <paramref name="stop"/> (consumed) or the end of the input.
    /// <paramref name="closed"/> says whether <paramref name="stop"/> was found.
    /// </summary>
    private string ExpandUntil(char? stop, bool rawEscapes, WordSplitter? words, out bool closed)
    {
        var result = new StringBuilder();
        bool outerRawEscapes = _rawEscapes;
        _rawEscapes = rawEscapes;
        try
        {
            while (!AtEnd)
            {
                char c = _text[_position];
                if (c == stop)
                {
                    _position++;
                    closed = true;
                    return result.ToString();
                }

                if (c == '$')
                {
                    string value = ExpandDollar();
                    result.Append(value);
                    words?.AppendSplitting(value);   // an unquoted variable's value is split on whitespace
                }
                else if (c is '\'' or '"' && !_options.SkipProcessQuotes)
                {
                    string quoted = c == '\'' ? SingleQuoted() : DoubleQuoted();
                    result.Append(quoted);
                    words?.AppendWhole(quoted);
                }
                else if (c == '<')
                {
                    string marker = PossibleHeredoc();
                    result.Append(marker);
                    words?.AppendWhole(marker);
                }
                else
                {
                    _position++;
                    if (c == _escape)
                    {
                        if (_rawEscapes)
                        {
                            result.Append(c);
                            words?.AppendWhole(c);
                        }

                        // BuildKit drops an escape at the very end: "hello\" gives "hello".
                        if (AtEnd)
                            break;
                        c = _text[_position++];
                        result.Append(c);
                        words?.AppendWhole(c);   // "hello\ there" is one word
                    }
                    else
                    {
                        result.Append(c);
                        words?.AppendSplitting(c);
                    }
                }
            }

            closed = stop is null;
            return result.ToString();
        }
        finally
        {
            _rawEscapes = outerRawEscapes;
        }
    }

    /// <summary>
    /// BuildKit's processPossibleHeredoc: <c>&lt;&lt;</c> and the blanks after it stay in the current word, so
    /// <c>cat &lt;&lt; EOF</c> splits into <c>cat</c> and <c>&lt;&lt; EOF</c> (the text itself is unchanged). A
    /// lone <c>&lt;</c> is an ordinary character.
    /// </summary>
    private string PossibleHeredoc()
    {
        int start = _position++;
        if (AtEnd || _text[_position] != '<')
            return "<";
        _position++;
        while (!AtEnd && _text[_position] is ' ' or '\t' or '\r')   // lex.go's isWhitespace
            _position++;
        return _text[start.._position];
    }

    /// <summary>'...': everything literal up to the next single quote; nothing escapes inside.</summary>
    private string SingleQuoted()
    {
        int open = _position;
        int close = _text.IndexOf('\'', open + 1);
        if (close < 0)
            throw Error(open, _text.Length, $"unterminated single quote in {Quote(open, _text.Length)}: add the closing '");
        _position = close + 1;
        return _options.RawQuotes ? _text[open..(close + 1)] : _text[(open + 1)..close];
    }

    /// <summary>
    /// "...": variables are expanded; the escape character escapes only <c>"</c>, <c>$</c> and itself and is
    /// kept before anything else (<c>"a\tb"</c> stays <c>a\tb</c>), as in sh.
    /// </summary>
    private string DoubleQuoted()
    {
        int open = _position++;
        var result = new StringBuilder();
        if (_options.RawQuotes)
            result.Append('"');
        while (true)
        {
            if (AtEnd)
                throw Error(open, _text.Length, $"unterminated double quote in {Quote(open, _text.Length)}: add the closing \"");
            char c = _text[_position];
            if (c == '"')
            {
                _position++;
                if (_options.RawQuotes)
                    result.Append('"');
                return result.ToString();
            }

            if (c == '$')
            {
                result.Append(ExpandDollar());
                continue;
            }

            _position++;
            if (c == _escape)
            {
                // With raw escapes BuildKit writes the escape and then, when it escapes nothing, writes it
                // again: "\x" becomes \\x. In a ${a#pattern} that keeps the backslash a literal one.
                if (_rawEscapes)
                    result.Append(c);
                if (!AtEnd && (_text[_position] is '"' or '$' || _text[_position] == _escape))
                    c = _text[_position++];
                else if (AtEnd)
                    continue;   // the loop then reports the unterminated quote: "hello\" is an error
            }

            result.Append(c);
        }
    }

    /// <summary>$name, ${name} or ${name op word}, starting at the '$'.</summary>
    private string ExpandDollar()
    {
        int start = _position++;
        if (AtEnd || _text[_position] != '{')
        {
            string name = ReadName();
            if (name.Length == 0)
                return "$";   // "$." and a trailing "$" are literal
            if (!TryLookup(name, out string value) && _options.SkipUnsetEnv)
                return "$" + name;
            return value;
        }

        _position++;
        if (AtEnd)
            throw MissingBrace(start);
        if (_text[_position] is '{' or '}' or ':')
            throw Error(start, Math.Min(_position + 1, _text.Length),
                $"bad substitution {Quote(start, Math.Min(_position + 1, _text.Length))}: a variable name must follow '${{'");

        string variable = ReadName();
        if (AtEnd)
            throw MissingBrace(start);
        char modifier = _text[_position++];
        switch (modifier)
        {
            case '}':
            {
                if (!TryLookup(variable, out string value) && _options.SkipUnsetEnv)
                    return "${" + variable + "}";
                return value;
            }

            case ':' or '+' or '-' or '?' or '#' or '%':
                return ExpandModifier(start, variable, modifier);

            case '/':
                return ExpandReplacement(start, variable);

            default:
                throw UnsupportedModifier(start, variable, modifier);
        }
    }

    /// <summary>${name:-word} and the other operators that take one word up to the closing brace.</summary>
    private string ExpandModifier(int start, string variable, char modifier)
    {
        string written = modifier.ToString();
        bool nullIsUnset = false;
        if (modifier == ':')
        {
            // BuildKit reads any character after ':' and only then checks it, so ${a:=b} consumes "b}"
            // before failing, and ${a:#p} works as ${a#p}.
            nullIsUnset = true;
            if (AtEnd)
                throw MissingBrace(start);
            modifier = _text[_position++];
            written += modifier;
        }

        // The pattern of # and % keeps its escapes, so that \* can mean a literal star.
        string word = ExpandNested(start, '}', rawEscapes: modifier is '#' or '%');
        bool set = TryLookup(variable, out string value);
        if (!set && _options.SkipUnsetEnv)
            return "${" + variable + written + word + "}";

        bool empty = !set || (nullIsUnset && value.Length == 0);
        switch (modifier)
        {
            case '-':
                return empty ? word : value;
            case '+':
                return empty ? "" : word;
            case '?':
                if (!empty)
                    return value;
                string message = word.Length > 0 ? word : set ? "is not allowed to be empty" : "is not allowed to be unset";
                throw Error(start, _position, $"{variable}: {message}");
            case '#' or '%':
            {
                // The doubled operator is recognised after expansion, as BuildKit does: ${a#"#"x} is ${a##x}.
                bool longest = word.Length > 0 && word[0] == modifier;
                string pattern = longest ? word[1..] : word;
                return ParseGlob(start, pattern, fromEnd: modifier == '%').Trim(value, longest);
            }

            default:
                throw UnsupportedModifier(start, variable, modifier);
        }
    }

    /// <summary>${name/pattern/replacement} and ${name//pattern/replacement}.</summary>
    private string ExpandReplacement(int start, string variable)
    {
        bool all = !AtEnd && _text[_position] == '/';
        if (all)
            _position++;

        string pattern = ExpandNested(start, '/', rawEscapes: true);
        // BuildKit keeps the escapes of the replacement too: ${a/x/\y} replaces x with \y.
        string replacement = ExpandNested(start, '}', rawEscapes: true);
        if (!TryLookup(variable, out string value) && _options.SkipUnsetEnv)
            return "${" + variable + "/" + pattern + "/" + replacement + "}";   // BuildKit writes one '/' even for '//'

        ShellGlob glob = ParseGlob(start, pattern, fromEnd: false);
        return all ? glob.ReplaceAll(value, replacement) : glob.ReplaceFirst(value, replacement);
    }

    /// <summary>Expands the word of a ${...} up to <paramref name="stop"/>, which must be there.</summary>
    private string ExpandNested(int start, char stop, bool rawEscapes)
    {
        int level = ++_nesting;
        try
        {
            if (level > MaxNesting)
                throw Error(start, _text.Length, $"variables are nested more than {MaxNesting} deep in {Quote(start, _text.Length)}");
            string word = ExpandUntil(stop, rawEscapes, words: null, out bool closed);
            if (!closed)
                throw stop == '}' ? MissingBrace(start) : MissingSlash(start);
            return word;
        }
        // The filter runs before the finally blocks of deeper levels, so it must use its own level, not _nesting.
        catch (ShellExpansionException) when (AtEnd && level == 1)
        {
            // BuildKit reports any failure that ran into the end of the input as the outermost missing '}'
            // (or '/'): ${a:-"b is "missing '}'", not an unterminated quote.
            throw stop == '}' ? MissingBrace(start) : MissingSlash(start);
        }
        finally
        {
            _nesting--;
        }
    }

    /// <summary>
    /// A name after '$': a run of digits (a positional parameter, never set), one special parameter character,
    /// or letters, digits and '_'. Letters are Unicode letters, as in BuildKit (Go's unicode.IsLetter).
    /// </summary>
    private string ReadName()
    {
        int start = _position;
        if (AtEnd)
            return "";

        // Digits come first, so "$01" is the parameter "01", not "$0" followed by "1".
        bool digitsOnly = Rune.DecodeFromUtf16(_text.AsSpan(_position), out Rune first, out _) == System.Buffers.OperationStatus.Done
            && Rune.IsDigit(first);
        if (!digitsOnly && IsSpecialParameter(_text[_position]))
        {
            _position++;
            return _text[start.._position];
        }

        while (!AtEnd)
        {
            Rune.DecodeFromUtf16(_text.AsSpan(_position), out Rune rune, out int length);
            bool part = digitsOnly ? Rune.IsDigit(rune) : Rune.IsLetterOrDigit(rune) || rune.Value == '_';
            if (!part)
                break;
            _position += length;
        }

        return _text[start.._position];
    }

    // POSIX special parameters (XCU 2.5.2). A Dockerfile never sets them, so they expand to empty.
    private static bool IsSpecialParameter(char c) => c is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0';

    private bool TryLookup(string name, out string value)
    {
        // The positional and special parameters are looked up like any name, as BuildKit does; an
        // environment never holds them, so they come back unset.
        if (_environment.TryGetValue(name, out string? found))
        {
            _usedVariables?.Add(name);
            value = found;
            return true;
        }

        if (_unsetVariables is not null && !_unsetVariables.Contains(name)) _unsetVariables.Add(name);
        value = "";
        return false;
    }

    private ShellGlob ParseGlob(int start, string pattern, bool fromEnd)
    {
        if (ShellGlob.TryParse(pattern, fromEnd, out ShellGlob? glob, out string? problem))
            return glob;
        throw Error(start, _position, $"invalid pattern in {Quote(start, _position)}: {problem}");
    }

    private ShellExpansionException MissingBrace(int start) =>
        Error(start, _text.Length, $"missing '}}' in {Quote(start, _text.Length)}: close the variable with '}}'");

    private ShellExpansionException MissingSlash(int start) =>
        Error(start, _text.Length, $"missing '/' in {Quote(start, _text.Length)}: write ${{name/pattern/replacement}}");

    private ShellExpansionException UnsupportedModifier(int start, string variable, char modifier)
    {
        // Quote through the closing brace when there is one: "${.}" reads better than "${.".
        int close = _text.IndexOf('}', _position - 1);
        int end = close >= 0 ? close + 1 : _position;
        if (variable.Length == 0)
            return Error(start, end, $"bad substitution {Quote(start, end)}: '{modifier}' cannot start a variable name");
        return Error(start, end, $"unsupported modifier '{modifier}' in {Quote(start, end)}; supported: {SupportedModifiers}");
    }

    private static ShellExpansionException Error(int start, int end, string message) =>
        new(start, Math.Max(end - start, 0), message);

    /// <summary>The offending text for a message, shortened when long so that the message stays one line.</summary>
    private string Quote(int start, int end)
    {
        const int MaxQuoted = 60;
        return end - start <= MaxQuoted ? _text[start..end] : _text.Substring(start, MaxQuoted) + "...";
    }

    /// <summary>Collects words for ProcessWords, the way BuildKit's wordsStruct does.</summary>
    private sealed class WordSplitter
    {
        private readonly ImmutableArray<string>.Builder _words = ImmutableArray.CreateBuilder<string>();
        private readonly StringBuilder _word = new();

        /// <summary>Unquoted text: whitespace ends the current word.</summary>
        public void AppendSplitting(string text)
        {
            foreach (char c in text)
                AppendSplitting(c);
        }

        public void AppendSplitting(char c)
        {
            // Go's unicode.IsSpace and char.IsWhiteSpace agree: the Unicode White_Space property.
            if (char.IsWhiteSpace(c))
                Flush();
            else
                _word.Append(c);
        }

        /// <summary>Quoted or escaped text: part of the current word, whitespace included.</summary>
        public void AppendWhole(string text) => _word.Append(text);

        public void AppendWhole(char c) => _word.Append(c);

        public ImmutableArray<string> ToImmutable()
        {
            Flush();
            return _words.ToImmutable();
        }

        // A word is only ever emitted when it is not empty, so "" alone gives no word at all.
        private void Flush()
        {
            if (_word.Length == 0)
                return;
            _words.Add(_word.ToString());
            _word.Clear();
        }
    }
}
