using Builder.Cli.Compose;

namespace Builder.Cli.Tests.Compose;

public sealed class ComposeYamlTests
{
    private static Dictionary<string, object?> Map(string yaml) => Assert.IsType<Dictionary<string, object?>>(ComposeYaml.Read(yaml, "compose.yml"));

    private static Dictionary<string, object?> Map(object? value) => Assert.IsType<Dictionary<string, object?>>(value);

    [Fact]
    public void Read_AnchorsAliasesAndMergeKeys_AreResolved()
    {
        var root = Map("""
            x-common: &common
              context: ./app
              args: &args
                A: "1"
            services:
              web:
                build:
                  <<: *common
                  target: web
              api:
                build:
                  <<: *common
                  context: ./api
                  args: *args
            """);

        var services = Map(root["services"]);
        var web = Map(Map(services["web"])["build"]);
        var api = Map(Map(services["api"])["build"]);
        Assert.Equal(("./app", "web"), (web["context"], web["target"]));
        Assert.Equal("./api", api["context"]);
        Assert.Equal("1", Map(api["args"])["A"]);
    }

    [Fact]
    public void Read_BlockScalarsAndFlowStyle()
    {
        var root = Map("""
            literal: |
              FROM busybox
              RUN echo hi
            folded: >
              one
              two
            flow: {a: [1, "two"], b: ~}
            """);

        Assert.Equal("FROM busybox\nRUN echo hi\n", root["literal"]);
        Assert.Equal("one two\n", root["folded"]);
        var flow = Map(root["flow"]);
        Assert.Equal(["1", "two"], Assert.IsType<List<object?>>(flow["a"]));
        Assert.Null(flow["b"]);
    }

    [Fact]
    public void Read_QuotedNullIsText_PlainNullIsNull()
    {
        var root = Map("a: 'null'\nb: null\nc:\nd: \"\"\n");

        Assert.Equal(("null", null, null, ""), (root["a"], root["b"], root["c"], root["d"]));
    }

    [Fact]
    public void Read_ResetAndOverrideTags_AreKept()
    {
        var root = Map("a: !reset []\nb: !override [x]\n");

        Assert.Equal(ComposeTagged.Reset, Assert.IsType<ComposeTagged>(root["a"]).Tag);
        Assert.Equal(["x"], Assert.IsType<List<object?>>(Assert.IsType<ComposeTagged>(root["b"]).Value));
    }

    [Theory]
    [InlineData("a: 1\na: 2\n", "compose.yml:2:1:")]
    [InlineData("a: [1, 2\n", "compose.yml:")]
    [InlineData("a: *nowhere\n", "compose.yml:1:")]
    [InlineData("a: !custom x\n", "compose.yml:1:4: the YAML tag '!custom'")]
    public void Read_Errors_NameTheFileAndPlace(string yaml, string start)
    {
        var error = Assert.Throws<FormatException>(() => ComposeYaml.Read(yaml, "compose.yml"));

        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
    }
}
