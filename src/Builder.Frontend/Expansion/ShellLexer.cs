using System.Collections.Immutable;

namespace Builder.Frontend.Expansion;

/// <summary>
/// Expands <c>$VAR</c> and <c>${VAR...}</c> in a Dockerfile word and removes its quotes and escapes, as BuildKit's
/// shell lexer does (frontend/dockerfile/shell/lex.go). It is not a shell: there is no command substitution, no
/// globbing of file names and no arithmetic. An instance holds no per-call state and may be shared.
/// </summary>
internal sealed class ShellLexer
{
    /// <summary>Creates a lexer.</summary>
    /// <param name="escapeCharacter"><c>\</c>, or <c>`</c> after a <c># escape=`</c> directive.</param>
    /// <param name="options">Quote, escape and unset-variable handling; <see cref="ShellLexerOptions.Default"/> if null.</param>
    public ShellLexer(char escapeCharacter, ShellLexerOptions? options = null)
    {
        if (escapeCharacter is not ('\\' or '`'))
            throw new ArgumentOutOfRangeException(nameof(escapeCharacter), escapeCharacter, "the escape character is \\ or `");
        EscapeCharacter = escapeCharacter;
        Options = options ?? ShellLexerOptions.Default;
    }

    /// <summary>The character that escapes the next one: <c>\</c> or <c>`</c>.</summary>
    public char EscapeCharacter { get; }

    /// <summary>How quotes, escapes and unset variables are treated.</summary>
    public ShellLexerOptions Options { get; }

    /// <summary>Expands and unquotes <paramref name="word"/> into one string; whitespace is kept, never split on.</summary>
    /// <param name="word">The word as written in the Dockerfile.</param>
    /// <param name="environment">The variables in scope. Its comparer decides whether names are case-sensitive.</param>
    /// <param name="usedVariables">Receives each name that was looked up and found (BuildKit's "matches").</param>
    /// <param name="unsetVariables">Receives each name that was looked up and not found, once, in the order met
    /// (BuildKit's "nonmatches", which the UndefinedVar check reports).</param>
    /// <exception cref="ShellExpansionException">The word cannot be expanded.</exception>
    public string ProcessWord(string word, IReadOnlyDictionary<string, string> environment, ISet<string>? usedVariables = null,
        ICollection<string>? unsetVariables = null)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(environment);
        return new ShellWordScanner(this, word, environment, usedVariables, unsetVariables).Expand(splitWords: false).Word;
    }

    /// <summary>
    /// Expands <paramref name="text"/>, then splits it on whitespace that was neither quoted nor escaped, and
    /// returns the words with quotes removed. Whitespace inside a variable's value splits too, unless the
    /// variable was inside double quotes. An empty word (<c>""</c>) is dropped, as BuildKit drops it.
    /// </summary>
    /// <param name="text">The text as written in the Dockerfile.</param>
    /// <param name="environment">The variables in scope. Its comparer decides whether names are case-sensitive.</param>
    /// <param name="usedVariables">Receives each name that was looked up and found (BuildKit's "matches").</param>
    /// <exception cref="ShellExpansionException">The text cannot be expanded.</exception>
    public ImmutableArray<string> ProcessWords(string text, IReadOnlyDictionary<string, string> environment, ISet<string>? usedVariables = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(environment);
        return new ShellWordScanner(this, text, environment, usedVariables).Expand(splitWords: true).Words;
    }
}
