using Builder.Frontend.Syntax;

namespace Builder.Frontend.Tests.Syntax;

/// <summary>
/// BuildKit v0.24's heredoc parsing vectors, ported from frontend/dockerfile/parser/parser_heredoc_test.go
/// (TestParseExtractsHeredoc, TestParseHeredocHelpers, TestHeredocsFromLine): which words open a heredoc, its
/// name, whether its body is expanded, and the body read up to the terminator.
/// </summary>
public sealed class HeredocParsingTests
{
    // TestParseExtractsHeredoc's Dockerfile; each row is one of its instructions and the heredocs BuildKit finds.
    private const string Extracts = """

        FROM alpine:3.6

        ENV NAME=me

        RUN ls

        USER <<INVALID
        INVALID

        RUN <<EMPTY
        EMPTY

        RUN 3<<EMPTY2
        EMPTY2

        RUN "<<NOHEREDOC"

        RUN <<INDENT
        	foo
        	bar
        INDENT

        RUN <<-UNINDENT
        	baz
        	quux
        UNINDENT

        RUN <<-UNINDENT2
        	baz
        	quux
        	UNINDENT2

        RUN <<-EXPAND
        	expand $NAME
        EXPAND

        RUN <<-'NOEXPAND'
        	don't expand $NAME
        NOEXPAND

        RUN <<COPY
        echo hello world
        echo foo bar
        COPY

        RUN <<COMMENT
        # internal comment
        echo hello world
        echo foo bar # trailing comment
        COMMENT

        RUN --mount=type=cache,target=/foo <<MOUNT
        echo hello
        MOUNT

        COPY <<FILE1 <<FILE2 /dest
        content 1
        FILE1
        content 2
        FILE2

        COPY <<EOF /quotes
        "foo"
        'bar'
        EOF

        COPY <<X <<Y /dest
        Y
        X
        X
        Y

        RUN <<COMPLEX python3
        print('hello world')
        COMPLEX

        COPY <<file.txt /dest
        hello world
        file.txt

        RUN <<eo'f'
        echo foo
        eof

        RUN <<eo\'f
        echo foo
        eo'f

        RUN <<'e'o\'f
        echo foo
        eo'f

        RUN <<'one two'
        echo bar
        one two

        RUN <<$EOF
        $EOF

        RUN <<  EOF
        EOF

        RUN <<  EOF  > foo
        EOF

        """;

    public static TheoryData<int, string> ExtractedHeredocs => new()
    {
        { 1, "" },                                  // ENV NAME=me
        { 2, "" },                                  // RUN ls
        { 3, "" },                                  // USER <<INVALID: USER takes no heredoc
        { 4, "" },                                  // INVALID: the line after it is an instruction of its own
        { 5, "EMPTY expand=True chomp=False fd=0 []" },
        { 6, "EMPTY2 expand=True chomp=False fd=3 []" },
        { 7, "" },                                  // RUN "<<NOHEREDOC"
        { 8, "INDENT expand=True chomp=False fd=0 [\tfoo\n\tbar\n]" },
        { 9, "UNINDENT expand=True chomp=True fd=0 [\tbaz\n\tquux\n]" },
        { 10, "UNINDENT2 expand=True chomp=True fd=0 [\tbaz\n\tquux\n]" },
        { 11, "EXPAND expand=True chomp=True fd=0 [\texpand $NAME\n]" },
        { 12, "NOEXPAND expand=False chomp=True fd=0 [\tdon't expand $NAME\n]" },
        { 13, "COPY expand=True chomp=False fd=0 [echo hello world\necho foo bar\n]" },
        { 14, "COMMENT expand=True chomp=False fd=0 [# internal comment\necho hello world\necho foo bar # trailing comment\n]" },
        { 15, "MOUNT expand=True chomp=False fd=0 [echo hello\n]" },
        { 16, "FILE1 expand=True chomp=False fd=0 [content 1\n] | FILE2 expand=True chomp=False fd=0 [content 2\n]" },
        { 17, "EOF expand=True chomp=False fd=0 [\"foo\"\n'bar'\n]" },
        { 18, "X expand=True chomp=False fd=0 [Y\n] | Y expand=True chomp=False fd=0 [X\n]" },
        { 19, "COMPLEX expand=True chomp=False fd=0 [print('hello world')\n]" },
        { 20, "file.txt expand=True chomp=False fd=0 [hello world\n]" },
        { 21, "eof expand=False chomp=False fd=0 [echo foo\n]" },
        { 22, "eo'f expand=True chomp=False fd=0 [echo foo\n]" },
        { 23, "eo'f expand=False chomp=False fd=0 [echo foo\n]" },
        { 24, "one two expand=False chomp=False fd=0 [echo bar\n]" },
        { 25, "$EOF expand=True chomp=False fd=0 []" },
        { 26, "EOF expand=True chomp=False fd=0 []" },
        { 27, "EOF expand=True chomp=False fd=0 []" },
    };

    [Theory, MemberData(nameof(ExtractedHeredocs))]
    public void Parse_BuildKitHeredocVector_FindsSameHeredocs(int instruction, string expected)
    {
        DockerfileSyntax syntax = DockerfileParser.Parse(Extracts.Replace("\r\n", "\n"));
        Assert.Equal(expected, Describe(syntax.Instructions[instruction]));
    }

    [Theory]
    [InlineData("<<EOF")]
    [InlineData("<<'EOF'")]
    [InlineData("<<\"EOF\"")]
    [InlineData("<<-EOF")]
    [InlineData("<<-'EOF'")]
    [InlineData("<<-\"EOF\"")]
    [InlineData("<<EO\"F\"")]
    [InlineData("<< EOF")]
    [InlineData("<<- EOF")]
    public void TryParse_ValidMarker_IsHeredocNamedEof(string word)
    {
        Assert.True(HeredocMarkers.TryParse(word, out Heredoc? heredoc));
        Assert.Equal("EOF", heredoc.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("EOF")]
    [InlineData("<<")]
    [InlineData("<<-")]
    [InlineData("<EOF")]
    [InlineData("<<<EOF")]
    [InlineData("<<EOF sh")]
    [InlineData("<<'EOF")]     // BuildKit's ParseHeredoc fails on these; where it is used (MustParseHeredoc) that is no heredoc
    [InlineData("<<\"EOF")]
    public void TryParse_NotAMarker_IsNoHeredoc(string word)
    {
        Assert.False(HeredocMarkers.TryParse(word, out _));
    }

    [Theory]
    [InlineData("RUN <<EOF", "EOF")]
    [InlineData("RUN <<-EOF", "EOF")]
    [InlineData("RUN << -EOF", "-EOF")]
    [InlineData("RUN <<'EOF'", "EOF")]
    [InlineData("RUN 4<<EOF", "EOF")]
    [InlineData("RUN <<EOF <<EOF2", "EOF EOF2")]
    [InlineData("RUN cat << EOF > /out", "EOF")]
    [InlineData("RUN '<<EOF'", "")]
    [InlineData("RUN \"<<EOF\"", "")]
    // "<<-" then a space: BuildKit's lexer joins only "<<" to the blanks after it, so "<<-" is a word of its own.
    [InlineData("RUN <<- EOF", "")]
    // An unbalanced quote anywhere on the line: BuildKit's lexer fails and the line has no heredocs.
    [InlineData("RUN echo it's <<EOF", "")]
    public void Find_Line_NamesBuildKitsHeredocs(string line, string names)
    {
        Assert.Equal(names, string.Join(' ', HeredocMarkers.Find(line).Select(h => h.Name)));
    }

    private static string Describe(InstructionSyntax instruction) =>
        string.Join(" | ", (instruction.Heredocs.IsDefault ? [] : instruction.Heredocs)
            .Select(h => $"{h.Name} expand={h.Expand} chomp={h.Chomp} fd={h.FileDescriptor} [{h.Content}]"));
}
