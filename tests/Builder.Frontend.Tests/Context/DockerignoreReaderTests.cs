using Builder.Filesystem.Patterns;
using Builder.Frontend.Context;
using Builder.Frontend.Diagnostics;

namespace Builder.Frontend.Tests.Context;

public class DockerignoreReaderTests
{
    private static string[] Read(string text) =>
        [.. DockerignoreReader.Read(text, ".dockerignore").Select(p => p.ToString())];

    [Fact]
    public void Read_IgnorefileReadAllContent_CleansAndStripsLeadingSlash()
    {
        // The content of patternmatcher's ignorefile TestReadAll, without its "!" lines (an error here).
        const string content = "test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n";

        Assert.Equal(["test1", "test2", "a/file/here", "lastfile", "!inverted/abs/path"], Read(content));
    }

    [Fact]
    public void Read_CommentsBlankLinesBomAndCrLf_AreSkipped()
    {
        Assert.Equal(["a", "# not a comment", "b"], Read("\uFEFF# comment\r\n\r\n   \r\na\r\n  # not a comment\r\nb"));
    }

    [Fact]
    public void Read_PatternsNeedingCleaning_AreCleaned()
    {
        Assert.Equal(["foo", "bar", "../up", "/", "!docs/x", "."], Read("./foo/\nfoo/../bar\n../up\n/\n!  /docs//x/\n./"));
    }

    [Fact]
    public void Read_SpanOfBadPattern_CoversTrimmedText()
    {
        var e = Assert.Throws<DockerfileException>(() => DockerignoreReader.Read("# c\n\n  [a-b  \n", "ctx/.dockerignore"));

        Assert.Equal(new SourceSpan("ctx/.dockerignore", 3, 3, 3, 6), e.Diagnostic.Span);
    }

    [Theory]
    [InlineData("ok\n# c\n  a[b  ", 3, 3, 5)]
    [InlineData("[z-a]", 1, 1, 5)]     // Go's regexp rejects the backwards range
    [InlineData("trailing\\", 1, 1, 9)]
    [InlineData("[]a]", 1, 1, 4)]      // filepath.Match: ']' must be escaped as the first class character
    [InlineData(@"\Z", 1, 1, 2)]        // not an escape Go's regexp knows
    public void Read_MalformedPattern_ThrowsIB2001AtLine(string text, int line, int startColumn, int endColumn)
    {
        var e = Assert.Throws<DockerfileException>(() => DockerignoreReader.Read(text, ".dockerignore"));

        Assert.Equal("IB2001", e.Diagnostic.Code);
        Assert.Equal(new SourceSpan(".dockerignore", line, startColumn, line, endColumn), e.Diagnostic.Span);
        Assert.NotNull(e.Diagnostic.Hint);
    }

    [Theory]
    [InlineData("a\n!")]
    [InlineData("a\n!   ")]
    [InlineData("a\n!/")]   // cleaned to "!" by patternmatcher.New
    public void Read_ExceptionWithoutPattern_ThrowsIB2002(string text)
    {
        var e = Assert.Throws<DockerfileException>(() => DockerignoreReader.Read(text, ".dockerignore"));

        Assert.Equal("IB2002", e.Diagnostic.Code);
        Assert.Equal(2, e.Diagnostic.Span.StartLine);
        Assert.NotNull(e.Diagnostic.Hint);
    }

    [Fact]
    public void Read_HexEscape_ThrowsNotSupported()
    {
        var e = Assert.Throws<DockerfileException>(() => DockerignoreReader.Read(@"a\x41", ".dockerignore"));

        Assert.Equal("IB1900", e.Diagnostic.Code);
        Assert.StartsWith("not supported yet:", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LineOf64KiB_ThrowsIB2003()
    {
        var e = Assert.Throws<DockerfileException>(() => DockerignoreReader.Read("a\n" + new string('x', 64 * 1024), ".dockerignore"));

        Assert.Equal("IB2003", e.Diagnostic.Code);
        Assert.Equal(2, e.Diagnostic.Span.StartLine);
    }
}
