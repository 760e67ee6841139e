using Builder.Cli.Options;

namespace Builder.Cli.Tests.Options;

/// <summary>The one tokenizer for <c>key=value,…</c> flags, against Go's <c>encoding/csv</c> rules as buildx uses them.</summary>
public sealed class CsvOptionListTests
{
    [Theory]
    [InlineData("a", new[] { "a" })]
    [InlineData("a,b", new[] { "a", "b" })]
    [InlineData("a,", new[] { "a", "" })]
    [InlineData(",a", new[] { "", "a" })]
    [InlineData(" a , b", new[] { " a ", " b" })]
    [InlineData("\"a,b\",c", new[] { "a,b", "c" })]
    [InlineData("id=a,\"src=/path/with,comma\"", new[] { "id=a", "src=/path/with,comma" })]
    [InlineData("\"say \"\"hi\"\"\"", new[] { "say \"hi\"" })]
    [InlineData("\"\"", new[] { "" })]
    [InlineData("\"\",x", new[] { "", "x" })]
    [InlineData("\"a\nb\"", new[] { "a\nb" })]
    [InlineData("a\n", new[] { "a" })]
    public void SplitFields_ValidRecord_GivesGoCsvFields(string text, string[] fields)
    {
        Assert.Equal(fields, CsvOptionList.SplitFields("--flag", text));
    }

    [Theory]
    [InlineData("", "--flag is empty")]
    [InlineData("a\"b", "--flag 'a\"b': the quote in 'a\"b' must start the field: write \"a\"\"b\"")]
    [InlineData(" \"a\"", "the quote in ' \"a\"' must start the field")]
    [InlineData("\"a\"b,c", "--flag '\"a\"b,c': in \"a\"b a quote ends the field")]
    [InlineData("x,\"abc", "--flag 'x,\"abc': the quoted field \"abc has an unterminated quote")]
    [InlineData("\"a\"\"", "unterminated quote")]
    public void SplitFields_BadQuotes_FailNamingFlagAndField(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => CsvOptionList.SplitFields("--flag", text));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeyValueFields_LowerCasesAndTrimsKeysOnly()
    {
        CsvOptionList list = CsvOptionList.Parse("--flag", " Type =local,\"Dest= a,b \",x=1=2");

        Assert.Equal([new CsvOption("type", "local"), new CsvOption("dest", " a,b "), new CsvOption("x", "1=2")], list.Options.AsEnumerable());
    }

    [Fact]
    public void LastValue_RepeatedKey_IsTheLast()
    {
        CsvOptionList list = CsvOptionList.Parse("--flag", "name=a,name=b");

        Assert.Equal(("b", null), (list.LastValue("name"), list.LastValue("dest")));
    }

    [Theory]
    [InlineData("=x")]
    [InlineData("novalue")]
    public void Parse_FieldWithoutKey_FailsNamingIt(string field)
    {
        var error = Assert.Throws<FormatException>(() => CsvOptionList.Parse("--flag", "a=1," + field));

        Assert.Equal($"--flag 'a=1,{field}': '{field}' is not key=value", error.Message);
    }

    [Theory]
    [InlineData("/plain/path")]
    [InlineData("/path/with,comma")]
    [InlineData("/path/with\"quote")]
    public void FormatField_AnyValue_ParsesBack(string value)
    {
        CsvOptionList list = CsvOptionList.Parse("--flag", $"id=a,{CsvOptionList.FormatField("src", value)}");

        Assert.Equal(value, list.LastValue("src"));
    }
}
