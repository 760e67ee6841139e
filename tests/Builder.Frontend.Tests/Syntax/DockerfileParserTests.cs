using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Tests.Syntax;

public sealed class DockerfileParserTests
{
    private static InstructionSyntax Single(string text) => DockerfileParser.Parse(text).Instructions.Single();

    [Fact]
    public void Parse_Heredoc_ReadsBodyUntilTerminator()
    {
        var syntax = DockerfileParser.Parse("FROM a\nRUN <<EOF\necho hi\necho $HOME\nEOF\nCMD x\n");
        Heredoc heredoc = syntax.Instructions[1].Heredocs.Single();
        Assert.Equal(("EOF", "echo hi\necho $HOME\n", true), (heredoc.Name, heredoc.Content, heredoc.Expand));
        Assert.Equal(3, syntax.Instructions.Length);
        Assert.Equal(5, syntax.Instructions[1].LastLine);
    }

    [Theory]
    [InlineData("<<'EOF'")]
    [InlineData("<<\"EOF\"")]
    [InlineData("<<E'O'F")]
    public void Parse_QuotedHeredocTerminator_TurnsExpansionOff(string marker)
    {
        Heredoc heredoc = DockerfileParser.Parse($"FROM a\nRUN {marker}\n$X\nEOF\n").Instructions[1].Heredocs.Single();
        Assert.Equal(("EOF", false), (heredoc.Name, heredoc.Expand));
    }

    [Fact]
    public void Parse_ChompHeredoc_StripsLeadingTabsFromBodyAndTerminator()
    {
        Heredoc heredoc = DockerfileParser.Parse("FROM a\nRUN <<-EOF\n\t\techo hi\n\tEOF\n").Instructions[1].Heredocs.Single();
        Assert.True(heredoc.Chomp);
        Assert.Equal("echo hi\n", heredoc.ChompedContent);
    }

    [Fact]
    public void Parse_TwoHeredocsOnOneLine_ReadsBothBodiesInOrder()
    {
        var run = DockerfileParser.Parse("FROM a\nRUN <<A cat /dev/stdin <<B\none\nA\ntwo\nB\n").Instructions[1];
        Assert.Equal([("A", "one\n"), ("B", "two\n")], run.Heredocs.Select(h => (h.Name, h.Content)));
    }

    [Fact]
    public void Parse_CopyHeredoc_IsAHeredocSource()
    {
        var copy = DockerfileParser.Parse("FROM a\nCOPY <<EOF /app/conf\nkey=1\nEOF\n").Instructions[1];
        Assert.Equal(["<<EOF", "/app/conf"], copy.Arguments.Select(a => a.Value));
        Assert.Equal("key=1\n", copy.Heredocs.Single().Content);
    }

    [Fact]
    public void Parse_HeredocInJsonForm_IsNotAHeredoc()
    {
        Assert.Empty(DockerfileParser.Parse("FROM a\nRUN [\"cat\", \"<<EOF\"]\n").Instructions[1].Heredocs);
    }

    [Fact]
    public void Parse_UnterminatedHeredoc_NamesTheLineItOpenedOn()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM a\n\nRUN <<EOF\necho hi\n"));
        Assert.Equal(DiagnosticCodes.UnterminatedHeredoc, error.Diagnostic.Code);
        Assert.Equal(3, error.Diagnostic.Span.StartLine);
        Assert.Contains("line 3", error.Diagnostic.Message);
    }

    [Fact]
    public void Parse_BomAndCrlf_AreAccepted()
    {
        var syntax = DockerfileParser.Parse("\uFEFFFROM a\r\nRUN echo \\\r\n  hi\r\n");
        Assert.Equal("(from \"a\")\n(run \"echo   hi\")\n", BuildKitDump.Write(syntax));
    }

    [Fact]
    public void Parse_KeywordsAreCaseInsensitive_NameIsUpperCase()
    {
        Assert.Equal("RUN", Single("rUn echo").Name);
    }

    [Fact]
    public void Parse_EscapeDirective_BacktickContinuesLines()
    {
        var syntax = DockerfileParser.Parse("# escape=`\nFROM a\nRUN dir c:\\ `\n  /w\n");
        Assert.Equal('`', syntax.Directives.EscapeToken);
        Assert.Equal("dir c:\\   /w", syntax.Instructions[1].Arguments.Single().Value);
    }

    [Fact]
    public void Parse_DirectiveAfterInstruction_IsAComment()
    {
        var syntax = DockerfileParser.Parse("FROM a\n# escape=`\nRUN x \\\n y\n");
        Assert.Equal('\\', syntax.Directives.EscapeToken);
    }

    [Fact]
    public void Parse_SyntaxAndCheckDirectives_AreRead()
    {
        var syntax = DockerfileParser.Parse("# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended;error=true\nFROM a\n");
        Assert.Equal("docker/dockerfile:1", syntax.Directives.Syntax);
        Assert.Equal("skip=JSONArgsRecommended;error=true", syntax.Directives.Check);
    }

    [Theory]
    [InlineData("# escape=x\nFROM a\n")]
    [InlineData("# escape=`\n# escape=\\\nFROM a\n")]
    public void Parse_BadDirective_IsAnError(string text)
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse(text));
        Assert.Equal(DiagnosticCodes.InvalidDirective, error.Diagnostic.Code);
    }

    [Fact]
    public void Parse_EmptyContinuationLine_IsAWarning()
    {
        var syntax = DockerfileParser.Parse("FROM a\nRUN a \\\n\n b\n");
        Assert.Equal(DiagnosticCodes.EmptyContinuationLine, syntax.Warnings.Single().Code);
    }

    [Fact]
    public void Parse_FlagWord_PointsAtItsLineAndColumn()
    {
        var syntax = DockerfileParser.Parse("FROM a\nCOPY \\\n    --chown=1:1 a b\n");
        var copy = syntax.Instructions[1];
        var span = copy.SpanOf(copy.Flags.Single());
        Assert.Equal((3, 5), (span.StartLine, span.StartColumn));
    }

    [Fact]
    public void Parse_NestedOnbuild_IsAnError()
    {
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse("FROM a\nONBUILD ONBUILD RUN x\n"));
        Assert.Equal(DiagnosticCodes.MisplacedInstruction, error.Diagnostic.Code);
    }
}
