using Builder.Cli.Compose;

namespace Builder.Cli.Tests.Compose;

public sealed class ComposeInterpolationTests
{
    private static readonly Dictionary<string, string> Environment = new() { ["A"] = "a", ["EMPTY"] = "", ["B"] = "b" };

    private static string Interpolate(string text) => ComposeInterpolation.Interpolate(text, Environment.GetValueOrDefault);

    [Theory]
    [InlineData("${A}", "a")]
    [InlineData("$A-x", "a-x")]
    [InlineData("$$A", "$A")]
    [InlineData("${MISSING:-fallback}", "fallback")]
    [InlineData("${EMPTY:-fallback}", "fallback")]
    [InlineData("${EMPTY-fallback}", "")]
    [InlineData("${MISSING-fallback}", "fallback")]
    [InlineData("${A:?never}", "a")]
    [InlineData("${EMPTY?set but empty is fine}", "")]
    [InlineData("${A:+yes}", "yes")]
    [InlineData("${EMPTY:+yes}", "")]
    [InlineData("${EMPTY+yes}", "yes")]
    [InlineData("${MISSING+yes}", "")]
    [InlineData("${MISSING:-${B}-${A}}", "b-a")]
    [InlineData("pre ${A} post $$ ${MISSING:-d}", "pre a post $ d")]
    public void Interpolate_ComposeRules(string text, string expected) => Assert.Equal(expected, Interpolate(text));

    [Theory]
    [InlineData("${MISSING:?needs a value}", "required variable MISSING is missing a value: needs a value")]
    [InlineData("${EMPTY:?needs ${A}}", "required variable EMPTY is missing a value: needs a")]
    [InlineData("${MISSING?gone}", "required variable MISSING is missing a value: gone")]
    [InlineData("${A", "a '${' without its closing '}'")]
    [InlineData("cost $5", "'$' is followed by '5'")]
    [InlineData("${A*b}", "no operator compose knows")]
    public void Interpolate_Errors(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => Interpolate(text));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Interpolate_UnsetVariable_IsBlank_AndReported()
    {
        var unset = new List<string>();

        Assert.Equal("x", ComposeInterpolation.Interpolate("x${NOPE}", Environment.GetValueOrDefault, unset.Add));
        Assert.Equal(["NOPE"], unset);
    }
}
