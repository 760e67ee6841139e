using Builder.Cli.Compose;

namespace Builder.Cli.Tests.Compose;

public sealed class YamlReaderTests
{
    private static Dictionary<string, object?> Map(string yaml) => Assert.IsType<Dictionary<string, object?>>(YamlReader.Read(yaml, "compose.yml"));

    [Fact]
    public void Read_NestedMappingsSequencesAndScalars()
    {
        var root = Map("""
            ---
            services:   # the services
              web:
                image: "nginx:1.27"
                ports:
                  - "80:80"
                  - 443
                build:
                  args: {A: 1, B: 'two words'}
                  tags: [a, "b c"]
              empty:
            """);

        var web = Assert.IsType<Dictionary<string, object?>>(Assert.IsType<Dictionary<string, object?>>(root["services"])["web"]);
        Assert.Equal("nginx:1.27", web["image"]);
        Assert.Equal(["80:80", "443"], Assert.IsType<List<object?>>(web["ports"]));
        var build = Assert.IsType<Dictionary<string, object?>>(web["build"]);
        Assert.Equal("two words", Assert.IsType<Dictionary<string, object?>>(build["args"])["B"]);
        Assert.Equal(["a", "b c"], Assert.IsType<List<object?>>(build["tags"]));
        Assert.Null(Assert.IsType<Dictionary<string, object?>>(root["services"])["empty"]);
    }

    [Fact]
    public void Read_SequenceOfMappings_KeysLineUpAfterTheDash()
    {
        var root = Map("""
            secrets:
              - source: token
                target: /run/token
              - plain
            """);

        var items = Assert.IsType<List<object?>>(root["secrets"]);
        var first = Assert.IsType<Dictionary<string, object?>>(items[0]);
        Assert.Equal(("token", "/run/token"), (first["source"], first["target"]));
        Assert.Equal("plain", items[1]);
    }

    [Fact]
    public void Read_QuotesAndComments()
    {
        var root = Map("a: 'it''s'\nb: \"tab\\there\"\nc: value # comment\nd: 'not # a comment'\nurl: http://x:80/y\n");

        Assert.Equal(("it's", "tab\there", "value", "not # a comment", "http://x:80/y"), (root["a"], root["b"], root["c"], root["d"], root["url"]));
    }

    [Theory]
    [InlineData("a: 1\na: 2\n", "compose.yml:2: 'a' appears twice")]
    [InlineData("a:\n  b: 1\n c: 2\n", "compose.yml:3: unexpected indentation")]
    [InlineData("a: &anchor 1\n", "compose.yml:1: not supported yet: YAML anchors")]
    [InlineData("a: |\n  text\n", "compose.yml:1: not supported yet: YAML block scalars")]
    [InlineData("a: [1, 2\n", "compose.yml:1: missing ']'")]
    public void Read_Errors_NameTheLine(string yaml, string message)
    {
        var error = Assert.Throws<FormatException>(() => YamlReader.Read(yaml, "compose.yml"));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("${A}", "a")]
    [InlineData("${MISSING:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${EMPTY-fallback}", "")]
    [InlineData("$A-$$literal", "a-$literal")]
    public void Interpolate_ComposeRules(string text, string expected)
    {
        var environment = new Dictionary<string, string> { ["A"] = "a", ["EMPTY"] = "" };

        Assert.Equal(expected, ComposeProject.Interpolate(text, environment.GetValueOrDefault, "compose.yml"));
    }
}
