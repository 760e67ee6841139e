using System.Collections.Immutable;
using System.Text;

namespace Builder.Frontend.Expansion;

/// <summary>
/// Expands and unquotes Dockerfile words the way BuildKit's shell lexer does: single and double quotes, the
/// escape token, and <c>$a ${a} ${a:-b} ${a-b} ${a:+b} ${a+b} ${a:?m} ${a?m} ${a#p} ${a##p} ${a%p} ${a%%p}
/// ${a/x/y} ${a//x/y}</c>. It never runs a command: <c>$(…)</c> and backticks are literal text.
/// </summary>
internal sealed class ShellLexer(char escapeToken = '\\', ShellLexerOptions? options = null)
{
    private readonly ShellLexerOptions _options = options ?? ShellLexerOptions.Default;

    /// <summary>The escape token (<c>\</c>, or <c>`</c> under <c># escape=`</c>).</summary>
    public char EscapeToken { get; } = escapeToken;

    /// <summary>Expands <paramref name="word"/> into one string (no word splitting).</summary>
    /// <param name="word">The text to expand.</param>
    /// <param name="environment">The variables in scope.</param>
    /// <param name="usedVariables">Receives the names of variables that were looked up and set.</param>
    public string ProcessWord(string word, IReadOnlyDictionary<string, string> environment, ISet<string>? usedVariables = null) =>
        new Scan(this, word, environment, usedVariables).Run().Result;

    /// <summary>Expands <paramref name="text"/>, then splits it on unquoted whitespace.</summary>
    public ImmutableArray<string> ProcessWords(string text, IReadOnlyDictionary<string, string> environment, ISet<string>? usedVariables = null) =>
        new Scan(this, text, environment, usedVariables).Run().Words;

    /// <summary>One pass over one input (BuildKit's shellWord).</summary>
    private sealed class Scan(ShellLexer lexer, string text, IReadOnlyDictionary<string, string> environment, ISet<string>? used)
    {
        private const int End = -1;
        private readonly ShellLexerOptions _options = lexer._options;
        private readonly char _escape = lexer.EscapeToken;
        private bool _rawEscapes = lexer._options.RawEscapes;
        private int _position;

        private int Peek => _position < text.Length ? text[_position] : End;

        private int Next() => _position < text.Length ? text[_position++] : End;

        public (string Result, ImmutableArray<string> Words) Run()
        {
            (string result, ImmutableArray<string> words, _) = ProcessUntil([], _rawEscapes);
            return (result, words);
        }

        // BuildKit's processStopOnAny: read until one of the stop characters (consumed), or the end when none.
        private (string Result, ImmutableArray<string> Words, int Stop) ProcessUntil(ReadOnlySpan<char> stops, bool rawEscapes)
        {
            bool savedRawEscapes = _rawEscapes;
            _rawEscapes = rawEscapes;
            try
            {
                var result = new StringBuilder();
                var words = new WordSplitter();
                int start = _position;
                while (Peek != End)
                {
                    char c = (char)Peek;
                    if (stops.Contains(c))
                    {
                        _position++;
                        return (result.ToString(), words.Finish(), c);
                    }
                    if (c == '$')
                    {
                        string value = Dollar();
                        result.Append(value);
                        words.AddSplitting(value);
                    }
                    else if (!_options.SkipProcessQuotes && c is '\'' or '"')
                    {
                        string value = c == '\'' ? SingleQuoted() : DoubleQuoted();
                        result.Append(value);
                        words.AddRaw(value);
                    }
                    else
                    {
                        _position++;
                        if (c == _escape)
                        {
                            if (_rawEscapes)
                            {
                                words.AddRaw(c);
                                result.Append(c);
                            }
                            if (Peek == End) break; // an escape at the very end is dropped
                            c = (char)Next();
                            words.AddRaw(c);
                        }
                        else
                        {
                            words.Add(c);
                        }
                        result.Append(c);
                    }
                }
                if (stops.Length > 0)
                {
                    throw new ShellExpansionException(
                        $"unexpected end of text while looking for matching '{stops[0]}' in \"{text}\"", start);
                }
                return (result.ToString(), words.Finish(), End);
            }
            finally
            {
                _rawEscapes = savedRawEscapes;
            }
        }

        // Everything between single quotes is literal; a single quote cannot be escaped inside them.
        private string SingleQuoted()
        {
            int start = _position;
            var result = new StringBuilder();
            char open = (char)Next();
            if (_options.RawQuotes) result.Append(open);
            while (true)
            {
                int c = Next();
                if (c == End)
                {
                    throw new ShellExpansionException($"unterminated single quote in \"{text}\"", start);
                }
                if (c == '\'')
                {
                    if (_options.RawQuotes) result.Append('\'');
                    return result.ToString();
                }
                result.Append((char)c);
            }
        }

        // Inside double quotes, $ expands and the escape token escapes only " $ and itself (sh's rule).
        private string DoubleQuoted()
        {
            int start = _position;
            var result = new StringBuilder();
            char open = (char)Next();
            if (_options.RawQuotes) result.Append(open);
            while (true)
            {
                switch (Peek)
                {
                    case End:
                        throw new ShellExpansionException($"unterminated double quote in \"{text}\"", start);
                    case '"':
                        _position++;
                        if (_options.RawQuotes) result.Append('"');
                        return result.ToString();
                    case '$':
                        result.Append(Dollar());
                        break;
                    default:
                        char c = (char)Next();
                        if (c == _escape)
                        {
                            if (_rawEscapes) result.Append(c);
                            if (Peek == End) continue;
                            if (Peek == '"' || Peek == '$' || Peek == _escape) c = (char)Next();
                        }
                        result.Append(c);
                        break;
                }
            }
        }

        private string Dollar()
        {
            int start = _position;
            _position++; // '$'
            if (Peek != '{')
            {
                string name = Name();
                if (name.Length == 0) return "$";
                (string value, bool set) = Lookup(name);
                return !set && _options.SkipUnsetEnv ? "$" + name : value;
            }

            _position++; // '{'
            switch (Peek)
            {
                case End:
                    throw new ShellExpansionException($"missing '}}' in \"{text}\"", start);
                case '{' or '}' or ':':
                    throw new ShellExpansionException($"bad substitution in \"{text}\": a variable name must follow '${{'", start);
            }
            string variable = Name();
            int modifier = Next();
            if (modifier == End) throw new ShellExpansionException($"missing '}}' in \"{text}\"", start);
            if (modifier == '}')
            {
                (string value, bool set) = Lookup(variable);
                return !set && _options.SkipUnsetEnv ? $"${{{variable}}}" : value;
            }
            if (modifier == '/') return Replace(variable, start);

            string written = ((char)modifier).ToString();
            bool nullIsUnset = false;
            if (modifier == ':')
            {
                nullIsUnset = true;
                modifier = Next();
                if (modifier == End) throw new ShellExpansionException($"missing '}}' in \"{text}\"", start);
                written += (char)modifier;
            }
            if (modifier is not ('+' or '-' or '?' or '#' or '%') || (nullIsUnset && modifier is '#' or '%'))
            {
                throw new ShellExpansionException($"unsupported modifier '{written}' in ${{{variable}{written}…}} in \"{text}\"", start);
            }
            string word = Word(['}'], rawEscapes: modifier is '#' or '%', start).Result;
            (string current, bool isSet) = Lookup(variable);
            if (_options.SkipUnsetEnv && !isSet) return $"${{{variable}{written}{word}}}";
            bool missing = !isSet || (nullIsUnset && current.Length == 0);
            switch (modifier)
            {
                case '-':
                    return missing ? word : current;
                case '+':
                    return missing ? string.Empty : word;
                case '?':
                    if (!isSet) throw new ShellExpansionException($"{variable}: {(word.Length > 0 ? word : "is not allowed to be unset")}", start);
                    if (missing) throw new ShellExpansionException($"{variable}: {(word.Length > 0 ? word : "is not allowed to be empty")}", start);
                    return current;
                default:
                    bool greedy = word.Length > 0 && word[0] == modifier;
                    if (greedy) word = word[1..];
                    return modifier == '%'
                        ? ShellGlob.TrimSuffix(word, current, greedy, start)
                        : ShellGlob.TrimPrefix(word, current, greedy, start);
            }
        }

        // ${a/pattern/replacement} and ${a//pattern/replacement}.
        private string Replace(string variable, int start)
        {
            bool all = Peek == '/';
            if (all) _position++;
            (string pattern, _, int stop) = Word(['/', '}'], rawEscapes: true, start);
            string replacement = stop == '/' ? Word(['}'], rawEscapes: true, start).Result : string.Empty;
            (string value, bool set) = Lookup(variable);
            if (_options.SkipUnsetEnv && !set) return $"${{{variable}/{pattern}/{replacement}}}";
            var regex = ShellGlob.ToRegex(pattern, greedy: true, anchored: false, start);
            return all ? regex.Replace(value, _ => replacement) : regex.Replace(value, _ => replacement, 1);
        }

        private (string Result, ImmutableArray<string> Words, int Stop) Word(ReadOnlySpan<char> stops, bool rawEscapes, int start)
        {
            try
            {
                return ProcessUntil(stops, rawEscapes);
            }
            catch (ShellExpansionException) when (Peek == End)
            {
                throw new ShellExpansionException($"missing '}}' in \"{text}\"", start);
            }
        }

        // A name: letters, digits and '_'; or all digits (positional); or one special parameter character.
        private string Name()
        {
            int start = _position;
            if (Peek != End && char.IsDigit((char)Peek))
            {
                while (Peek != End && char.IsDigit((char)Peek)) _position++;
                return text[start.._position];
            }
            if (Peek is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0')
            {
                _position++;
                return text[start.._position];
            }
            while (Peek != End && (char.IsLetterOrDigit((char)Peek) || Peek == '_')) _position++;
            return text[start.._position];
        }

        private (string Value, bool Set) Lookup(string name)
        {
            if (environment.TryGetValue(name, out string? value))
            {
                used?.Add(name);
                return (value, true);
            }
            return (string.Empty, false);
        }
    }

    /// <summary>Collects the words of <see cref="ProcessWords"/>: expanded text splits on whitespace, quoted text does not.</summary>
    private sealed class WordSplitter
    {
        private readonly ImmutableArray<string>.Builder _words = ImmutableArray.CreateBuilder<string>();
        private readonly StringBuilder _word = new();
        private bool _inWord;

        public void Add(char c)
        {
            if (!char.IsWhiteSpace(c)) AddRaw(c);
            else if (_inWord && _word.Length > 0) Flush();
        }

        public void AddRaw(char c)
        {
            _word.Append(c);
            _inWord = true;
        }

        public void AddRaw(string text)
        {
            _word.Append(text);
            _inWord = true;
        }

        public void AddSplitting(string text)
        {
            foreach (char c in text) Add(c);
        }

        public ImmutableArray<string> Finish()
        {
            if (_word.Length > 0) Flush();
            return _words.ToImmutable();
        }

        private void Flush()
        {
            _words.Add(_word.ToString());
            _word.Clear();
            _inWord = false;
        }
    }
}
