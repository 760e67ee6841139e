using Builder.Frontend.Expansion;

namespace Builder.Frontend.Tests.Expansion;

public sealed class ShellLexerTests
{
    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["FILE"] = "foo/bar/baz",
        ["EMPTY"] = "",
        ["WORD"] = "hello",
        ["SPACED"] = "x  y",
        ["STAR"] = "*x",
        ["LINES"] = "ab\ncd",
        ["BRACKETS"] = "[ab]c",
        ["DOLLAR"] = "$0",
    };

    private static string Expand(string word, ShellLexerOptions? options = null, char escape = '\\', ISet<string>? used = null) =>
        new ShellLexer(escape, options).ProcessWord(word, Environment, used);

    private static string[] Split(string text, ShellLexerOptions? options = null, char escape = '\\') =>
        [.. new ShellLexer(escape, options).ProcessWords(text, Environment)];

    private static ShellExpansionException Fails(string word, ShellLexerOptions? options = null) =>
        Assert.Throws<ShellExpansionException>(() => Expand(word, options));

    // --- plain references ---

    [Theory]
    [InlineData("$WORD", "hello")]
    [InlineData("${WORD}", "hello")]
    [InlineData("a${WORD}b", "ahellob")]
    [InlineData("$WORD.txt", "hello.txt")]
    [InlineData("$UNSET", "")]
    [InlineData("${UNSET}x", "x")]
    public void Reference_SetOrUnset_ExpandsToValueOrEmpty(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("$", "$")]
    [InlineData("a$", "a$")]
    [InlineData("$.x", "$.x")]
    [InlineData("$ x", "$ x")]
    public void Dollar_NotFollowedByName_IsLiteral(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("$1x", "x")]
    [InlineData("$01x", "x")]
    [InlineData("${999}", "")]
    [InlineData("$@$*$#$?$-$$$!$0", "")]
    [InlineData("${1:-one}", "one")]
    [InlineData("${#:+set}", "")]
    public void PositionalOrSpecialParameter_NeverSet_ExpandsToEmpty(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Fact]
    public void Reference_UnicodeLetters_AreAName()
    {
        var environment = new Dictionary<string, string> { ["변수"] = "값" };
        Assert.Equal("값!", new ShellLexer('\\').ProcessWord("$변수!", environment));
    }

    [Fact]
    public void Reference_CaseInsensitiveEnvironment_FindsName()
    {
        // On Windows BuildKit compares names without case; the caller expresses that with the dictionary's comparer.
        var environment = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["PWD"] = "/home" };
        Assert.Equal("/home", new ShellLexer('\\').ProcessWord("$pwd", environment));
    }

    // --- default, alternative, error ---

    [Theory]
    [InlineData("${UNSET:-d}", "d")]
    [InlineData("${EMPTY:-d}", "d")]
    [InlineData("${WORD:-d}", "hello")]
    [InlineData("${UNSET-d}", "d")]
    [InlineData("${EMPTY-d}", "")]
    [InlineData("${WORD-d}", "hello")]
    public void Default_UnsetOrEmpty_GivesWordOnlyWhereBashWould(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("${UNSET:+a}", "")]
    [InlineData("${EMPTY:+a}", "")]
    [InlineData("${WORD:+a}", "a")]
    [InlineData("${UNSET+a}", "")]
    [InlineData("${EMPTY+a}", "a")]
    [InlineData("${WORD+a}", "a")]
    public void Alternative_SetOrNot_GivesWordOnlyWhenSet(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("${UNSET:-$WORD}", "hello")]
    [InlineData("${UNSET:-${EMPTY:-${WORD}}}", "hello")]
    [InlineData("${UNSET:-'}'}", "}")]
    [InlineData("${UNSET:-a\\}b}", "a}b")]
    [InlineData("${UNSET:-\"a b\"}", "a b")]
    [InlineData("${UNSET:-{x}", "{x")]
    public void OperatorWord_WithReferencesQuotesOrEscapes_IsExpandedToo(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("${WORD:?m}", "hello")]
    [InlineData("${WORD?m}", "hello")]
    [InlineData("${EMPTY?m}", "")]
    public void Required_Set_GivesValue(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("x${UNSET:?give it a value}", 1, "UNSET: give it a value")]
    [InlineData("${UNSET?m}", 0, "UNSET: m")]
    [InlineData("${EMPTY:?$WORD}", 0, "EMPTY: hello")]
    [InlineData("${UNSET:?}", 0, "UNSET: is not allowed to be unset")]
    [InlineData("${EMPTY:?}", 0, "EMPTY: is not allowed to be empty")]
    public void Required_UnsetOrEmpty_FailsWithMessage(string word, int offset, string message)
    {
        ShellExpansionException error = Fails(word);
        Assert.Equal(offset, error.Offset);
        Assert.Equal(message, error.Message);
    }

    // --- patterns ---

    [Theory]
    [InlineData("${FILE#*/}", "bar/baz")]
    [InlineData("${FILE##*/}", "baz")]
    [InlineData("${FILE%/*}", "foo/bar")]
    [InlineData("${FILE%%/*}", "foo")]
    [InlineData("${FILE#foo}", "/bar/baz")]
    [InlineData("${FILE#bar}", "foo/bar/baz")]
    [InlineData("${FILE%?az}", "foo/bar/")]
    [InlineData("${FILE#*}", "foo/bar/baz")]
    [InlineData("${FILE##*}", "")]
    [InlineData("${FILE%b*}", "foo/bar/")]
    [InlineData("${FILE%%b*}", "foo/")]
    [InlineData("${UNSET#x}", "")]
    public void Trim_ShortestOrLongest_RemovesMatchingPrefixOrSuffix(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("${STAR#\\*}", "x")]
    [InlineData("${STAR#\\?}", "*x")]
    [InlineData("${STAR%\\*x}", "")]
    public void Trim_EscapedWildcard_IsLiteral(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Fact]
    public void Trim_QuotedWildcard_IsStillAWildcard()
    {
        // BuildKit removes the quotes before turning the pattern into a regexp; bash would match a literal '*'.
        Assert.Equal("", Expand("${FILE##\"*\"}"));
    }

    [Fact]
    public void Trim_BracketExpression_IsLiteral()
    {
        // BuildKit's pattern conversion escapes '[': there are no bracket expressions (bash would give "c" for both).
        Assert.Equal("c", Expand("${BRACKETS#[ab]}"));
        Assert.Equal("foo/bar/baz", Expand("${FILE#[f]}"));
    }

    [Fact]
    public void Trim_WildcardAcrossNewline_DoesNotMatch()
    {
        // '*' becomes Go's ".*", and '.' does not match '\n' without the s flag.
        Assert.Equal("ab\ncd", Expand("${LINES#*c}"));
        Assert.Equal("\ncd", Expand("${LINES##*}"));
    }

    [Fact]
    public void Trim_ColonBeforeHash_WorksAsHash()
    {
        // BuildKit reads the character after ':' and then treats ${a:#p} as ${a#p}.
        Assert.Equal("bar/baz", Expand("${FILE:#*/}"));
    }

    [Fact]
    public void Trim_DoubledOperatorFromExpansion_IsLongest()
    {
        // BuildKit checks for ## after expanding the word, so a quoted '#' still doubles the operator.
        Assert.Equal("baz", Expand("${FILE#\"#\"*/}"));
    }

    [Fact]
    public void Trim_SurrogatePair_IsOneCharacter()
    {
        var environment = new Dictionary<string, string> { ["E"] = "😀x" };
        Assert.Equal("x", new ShellLexer('\\').ProcessWord("${E#?}", environment));
    }

    [Theory]
    [InlineData("${FILE/o/0}", "f0o/bar/baz")]
    [InlineData("${FILE//o/0}", "f00/bar/baz")]
    [InlineData("${FILE/b*/X}", "foo/X")]
    [InlineData("${FILE//ba?/X}", "foo/X/X")]
    [InlineData("${FILE/nothing/X}", "foo/bar/baz")]
    [InlineData("${FILE/\\//-}", "foo-bar/baz")]
    [InlineData("${FILE//\\//-}", "foo-bar-baz")]
    [InlineData("${FILE//o/}", "f/bar/baz")]
    [InlineData("${UNSET//a/b}", "")]
    public void Replace_FirstOrAll_ReplacesLeftmostLongest(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Fact]
    public void Replace_EmptyPattern_MatchesBetweenEveryCharacter()
    {
        // Go's ReplaceAllString with an empty regexp; bash would leave the value alone.
        Assert.Equal("-h-e-l-l-o-", Expand("${WORD//$EMPTY/-}"));
        Assert.Equal("-hello", Expand("${WORD/$EMPTY/-}"));
    }

    [Fact]
    public void ReplaceAll_EmptyMatchAfterMatch_IsSkipped()
    {
        Assert.Equal("X\nX", Expand("${LINES//*/X}"));
    }

    [Fact]
    public void Replace_EscapeInReplacement_IsKept()
    {
        // BuildKit reads the replacement with raw escapes and never removes them.
        Assert.Equal("hell\\0", Expand("${WORD/o/\\0}"));
    }

    [Fact]
    public void ReplaceAll_DollarZeroInReplacement_IsTheMatch()
    {
        // ReplaceAllString expands $0 in the replacement; the single replacement is inserted as it is.
        Assert.Equal("hello", Expand("${WORD//l/'$0'}"));
        Assert.Equal("he$0lo", Expand("${WORD/l/'$0'}"));
        Assert.Equal("he$0$0o", Expand("${WORD//l/'$$0'}"));
        Assert.Equal("heo", Expand("${WORD//l/'$1'}"));
        Assert.Equal("hello", Expand("${WORD//l/$DOLLAR}"));   // a value of "$0" is a template too
    }

    // --- quoting and escapes ---

    [Theory]
    [InlineData("'$WORD \\x \"'", "$WORD \\x \"")]
    [InlineData("a'b'c", "abc")]
    [InlineData("'it'\\''s'", "it's")]
    public void SingleQuotes_Content_IsLiteral(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("\"$WORD\"", "hello")]
    [InlineData("\"a\\tb\"", "a\\tb")]
    [InlineData("\"\\$WORD\"", "$WORD")]
    [InlineData("\"\\\"\"", "\"")]
    [InlineData("\"\\\\\"", "\\")]
    [InlineData("\"'$WORD'\"", "'hello'")]
    [InlineData("\"${UNSET:-\"a\"}\"", "a")]
    public void DoubleQuotes_EscapeBeforeDollarQuoteOrEscape_IsRemoved(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("a\\ b", "a b")]
    [InlineData("\\$WORD", "$WORD")]
    [InlineData("\\'x", "'x")]
    [InlineData("a\\tb", "atb")]
    [InlineData("trailing\\", "trailing")]
    [InlineData("\\${}", "${}")]
    public void Escape_OutsideQuotes_TakesNextCharacterLiterally(string word, string expected) => Assert.Equal(expected, Expand(word));

    [Theory]
    [InlineData("a`$WORD", "a$WORD")]
    [InlineData("C:\\path\\$WORD", "C:\\path\\hello")]
    [InlineData("\"a`\"b\"", "a\"b")]
    [InlineData("\"a\\\"", "a\\")]
    [InlineData("a` b", "a b")]
    public void BacktickEscape_Directive_ReplacesBackslash(string word, string expected) => Assert.Equal(expected, Expand(word, escape: '`'));

    [Fact]
    public void BacktickEscape_Pattern_StillEscapesWithBackslash()
    {
        // BuildKit's pattern conversion hard-codes '\' whatever the escape directive says: the pattern keeps
        // its escapes, so "`*" is a literal backtick followed by a wildcard.
        Assert.Equal("x", Expand("${STAR#\\*}", escape: '`'));
        Assert.Equal("*x", Expand("${STAR#`*}", escape: '`'));
    }

    // --- word splitting ---

    [Theory]
    [InlineData("a  b", new[] { "a", "b" })]
    [InlineData("  a\tb\n", new[] { "a", "b" })]
    [InlineData("a \"b  c\" d", new[] { "a", "b  c", "d" })]
    [InlineData("x$SPACED", new[] { "xx", "y" })]
    [InlineData("\"$SPACED\"", new[] { "x  y" })]
    [InlineData("a\\ b", new[] { "a b" })]
    [InlineData("'' a \"\"", new[] { "a" })]
    [InlineData("", new string[0])]
    public void ProcessWords_UnquotedWhitespace_SplitsWords(string text, string[] expected) => Assert.Equal(expected, Split(text));

    [Fact]
    public void ProcessWord_Whitespace_IsKept()
    {
        Assert.Equal(" a  x  y ", Expand(" a  $SPACED "));
    }

    // --- usedVariables ---

    [Fact]
    public void UsedVariables_FoundNames_AreCollected()
    {
        var used = new HashSet<string>();
        Expand("$WORD ${UNSET:-$FILE} ${EMPTY:+x} $NOPE ${FILE#f}", used: used);
        Assert.Equal(["EMPTY", "FILE", "WORD"], used.Order());
    }

    [Fact]
    public void UsedVariables_SingleQuoted_AreNotCollected()
    {
        var used = new HashSet<string>();
        Expand("'$WORD'", used: used);
        Assert.Empty(used);
    }

    // --- options ---

    [Fact]
    public void RawQuotes_Quotes_AreKept()
    {
        var options = new ShellLexerOptions { RawQuotes = true };
        Assert.Equal("'$WORD' \"hello\"", Expand("'$WORD' \"$WORD\"", options));
        Assert.Equal(["\"a b\"", "c"], Split("\"a b\" c", options));
    }

    [Fact]
    public void RawEscapes_Escapes_AreKeptExceptInOperatorWord()
    {
        var options = new ShellLexerOptions { RawEscapes = true };
        Assert.Equal("a\\ b\\$WORD", Expand("a\\ b\\$WORD", options));
        Assert.Equal("\\\\x\\$", Expand("\"\\x\\$\"", options));
        Assert.Equal("x", Expand("${UNSET:-\\x}", options));
    }

    [Theory]
    [InlineData("$UNSET", "$UNSET")]
    [InlineData("${UNSET}", "${UNSET}")]
    [InlineData("${UNSET:-$WORD}", "${UNSET:-hello}")]
    [InlineData("${UNSET:?m}", "${UNSET:?m}")]
    [InlineData("${UNSET:=x}", "${UNSET:=x}")]
    [InlineData("${UNSET//a/b}", "${UNSET/a/b}")]
    [InlineData("$1", "$1")]
    [InlineData("$WORD ${EMPTY:-d}", "hello d")]
    public void SkipUnsetEnv_UnsetReference_IsLeftAsWritten(string word, string expected) =>
        Assert.Equal(expected, Expand(word, new ShellLexerOptions { SkipUnsetEnv = true }));

    [Fact]
    public void Heredoc_Quotes_AreLeftAloneButVariablesExpand()
    {
        Assert.Equal("echo \"hello\" 'hello' $WORD", Expand("echo \"$WORD\" '$WORD' \\$WORD", ShellLexerOptions.Heredoc));
    }

    [Theory]
    [InlineData("cat << EOF > f", "cat|<< EOF|>|f")]
    [InlineData("a <<\t-EOF b", "a|<<\t-EOF|b")]
    [InlineData("a < b <<", "a|<|b|<<")]
    public void Split_HeredocOperator_KeepsBlanksAfterItInTheWord(string text, string expected)
    {
        // lex.go's processPossibleHeredoc: "<<" and the blanks after it are one raw piece of the current word.
        Assert.Equal(expected, string.Join('|', Split(text)));
    }

    [Fact]
    public void Heredoc_UnbalancedQuote_IsNotAnError()
    {
        Assert.Equal("it's", Expand("it's", ShellLexerOptions.Heredoc));
    }

    // --- errors ---

    [Theory]
    [InlineData("abc \"def", 4, "unterminated double quote in \"def")]
    [InlineData("x 'y", 2, "unterminated single quote in 'y")]
    [InlineData("\"a\\\"", 0, "unterminated double quote in \"a\\\"")]
    [InlineData("ab${a:=b}", 2, "unsupported modifier '=' in ${a:=b}")]
    [InlineData("ab${WORD:x}}", 2, "unsupported modifier 'x' in ${WORD:x}")]
    [InlineData("a${}", 1, "bad substitution ${}")]
    [InlineData("${{a}", 0, "bad substitution ${{")]
    [InlineData("${:-x}", 0, "bad substitution ${:")]
    [InlineData("x${.}", 1, "bad substitution ${.}")]
    [InlineData("x${a", 1, "missing '}' in ${a")]
    [InlineData("x${a:-b", 1, "missing '}' in ${a:-b")]
    [InlineData("x${a:-\"b", 1, "missing '}' in ${a:-\"b")]
    [InlineData("x${", 1, "missing '}' in ${")]
    [InlineData("${a/x}", 0, "missing '/' in ${a/x}")]
    [InlineData("${WORD#\\x}", 0, "invalid pattern in ${WORD#\\x}")]
    [InlineData("${WORD/\\x/y}", 0, "invalid pattern in ${WORD/\\x/y}")]
    public void Expansion_BadInput_FailsAtOffsetQuotingText(string word, int offset, string message)
    {
        ShellExpansionException error = Fails(word);
        Assert.Equal(offset, error.Offset);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expansion_Error_HasLengthOfOffendingText()
    {
        ShellExpansionException error = Fails("ab${a:=b}cd");
        Assert.Equal("${a:=b}", "ab${a:=b}cd".Substring(error.Offset, error.Length));
    }

    [Fact]
    public void Expansion_NestedErrorInsideOperatorWord_PointsAtInnerReference()
    {
        ShellExpansionException error = Fails("${UNSET:-${X:?set X}}");
        Assert.Equal(9, error.Offset);
        Assert.Equal("X: set X", error.Message);
    }

    [Fact]
    public void Expansion_VeryDeepNesting_FailsWithoutOverflowingStack()
    {
        string word = string.Concat(Enumerable.Repeat("${a:-", 100_000)) + "x" + new string('}', 100_000);
        ShellExpansionException error = Fails(word);
        Assert.Contains("nested", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expansion_LongInput_ExpandsEveryReference()
    {
        string word = string.Concat(Enumerable.Repeat("$WORD\"${EMPTY:-x}\"'y'\\z", 50_000));
        Assert.Equal(string.Concat(Enumerable.Repeat("helloxyz", 50_000)), Expand(word));
        Assert.Equal(0, Fails("\"" + new string('a', 1_000_000)).Offset);
    }

    [Fact]
    public void Expansion_RandomInput_OnlyEverFailsWithShellExpansionException()
    {
        const string Alphabet = "${}:-+?#%/\\'\"` *?[]aAb1_@!\n\tx";
        var random = new Random(20240601);
        ShellLexer[] lexers =
        [
            new('\\'),
            new('`'),
            new('\\', new ShellLexerOptions { RawQuotes = true, RawEscapes = true }),
            new('\\', new ShellLexerOptions { SkipUnsetEnv = true }),
            new('\\', ShellLexerOptions.Heredoc),
        ];
        var environment = new Dictionary<string, string> { ["a"] = "a*b c\nd", ["A"] = "", ["b"] = "$0\\[x]" };
        var input = new char[40];
        for (int iteration = 0; iteration < 20_000; iteration++)
        {
            int length = random.Next(input.Length + 1);
            for (int i = 0; i < length; i++)
                input[i] = Alphabet[random.Next(Alphabet.Length)];
            string word = new(input, 0, length);
            foreach (ShellLexer lexer in lexers)
            {
                try
                {
                    lexer.ProcessWord(word, environment);
                    lexer.ProcessWords(word, environment);
                }
                catch (ShellExpansionException error)
                {
                    Assert.InRange(error.Offset, 0, word.Length);
                    Assert.InRange(error.Offset + error.Length, error.Offset, word.Length);
                }
                catch (Exception other)
                {
                    Assert.Fail($"{other.GetType().Name} for {word}: {other.Message}");
                }
            }
        }
    }
}
