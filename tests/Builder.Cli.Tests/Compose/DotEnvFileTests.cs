using Builder.Cli.Compose;

namespace Builder.Cli.Tests.Compose;

public sealed class DotEnvFileTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public void Read_QuotesCommentsExportAndInterpolation()
    {
        File.WriteAllText(_file, """
            # a comment
            export PLAIN=value # trailing comment
            SINGLE='kept ${PLAIN} as written'
            DOUBLE="line1\nline2 ${PLAIN}"
            MULTI="first
            second"
            FROM_ENV
            USES=${HOME_DIR:-/home}/$PLAIN
            EMPTY=
            """);

        var values = DotEnvFile.Read(_file, name => name == "FROM_ENV" ? "inherited" : null).ToDictionary();

        Assert.Equal("value", values["PLAIN"]);
        Assert.Equal("kept ${PLAIN} as written", values["SINGLE"]);
        Assert.Equal("line1\nline2 value", values["DOUBLE"]);
        Assert.Equal("first\nsecond", values["MULTI"]);
        Assert.Equal("inherited", values["FROM_ENV"]);
        Assert.Equal("/home/value", values["USES"]);
        Assert.Equal("", values["EMPTY"]);
    }

    [Fact]
    public void Read_BadName_NamesTheLine()
    {
        File.WriteAllText(_file, "OK=1\n9BAD=2\n");

        var error = Assert.Throws<FormatException>(() => DotEnvFile.Read(_file, _ => null));

        Assert.StartsWith($"{_file}:2: '9BAD' is not a variable name", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_file);
}
