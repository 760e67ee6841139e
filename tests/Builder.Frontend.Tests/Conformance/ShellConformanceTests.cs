using Builder.Frontend.Expansion;
using Xunit.Abstractions;

namespace Builder.Frontend.Tests.Conformance;

public sealed class ShellConformanceTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> EnvVarEnvironment = new(StringComparer.Ordinal)
    {
        ["PWD"] = "/home", ["SHELL"] = "bash", ["KOREAN"] = "한국어", ["NULL"] = "",
    };

    public static TheoryData<int, string, string> EnvVarCases()
    {
        var data = new TheoryData<int, string, string>();
        foreach (var (line, input, expected) in ShellVectors.EnvVar()) data.Add(line, input, expected);
        return data;
    }

    public static TheoryData<int, string, string[], Dictionary<string, string>> WordsCases()
    {
        var data = new TheoryData<int, string, string[], Dictionary<string, string>>();
        foreach (var (line, input, expected, environment) in ShellVectors.Words()) data.Add(line, input, expected, environment);
        return data;
    }

    [Theory, MemberData(nameof(EnvVarCases))]
    public void ProcessWord_EnvVarTestVector_GivesExpected(int line, string input, string expected)
    {
        var lexer = new ShellLexer('\\');
        if (expected == "error")
        {
            Assert.Throws<ShellExpansionException>(() => lexer.ProcessWord(input, EnvVarEnvironment));
            return;
        }
        Assert.Equal(expected, lexer.ProcessWord(input, EnvVarEnvironment));
        Assert.True(line > 0);
    }

    [Theory, MemberData(nameof(WordsCases))]
    public void ProcessWords_WordsTestVector_GivesExpected(int line, string input, string[] expected, Dictionary<string, string> environment)
    {
        string[] actual;
        try
        {
            actual = [.. new ShellLexer('\\').ProcessWords(input, environment)];
        }
        catch (ShellExpansionException)
        {
            actual = ["error"];
        }
        Assert.True(line > 0);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Corpus_AllVectors_AreFound()
    {
        int envVar = ShellVectors.EnvVar().Count();
        int words = ShellVectors.Words().Count();
        output.WriteLine($"BuildKit shell vectors: {envVar} envVarTest (A+U), {words} wordsTest");
        Assert.Equal(228, envVar);
        Assert.Equal(24, words);
    }
}
