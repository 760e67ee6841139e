using System.Text;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;
using Xunit.Abstractions;

namespace Builder.Frontend.Tests.Conformance;

public sealed class BuildKitParserConformanceTests(ITestOutputHelper output)
{
    private static string ReadRaw(string path) => Encoding.UTF8.GetString(File.ReadAllBytes(path));

    [Theory, ClassData(typeof(BuildKitParserCases))]
    public void Parse_BuildKitTestfile_DumpsSameTree(string caseName)
    {
        string dir = Path.Combine(BuildKitParserCases.Folder, caseName);
        DockerfileSyntax syntax = DockerfileParser.Parse(ReadRaw(Path.Combine(dir, "Dockerfile")));
        Assert.Equal(ReadRaw(Path.Combine(dir, "result")), BuildKitDump.Write(syntax));
    }

    [Theory, ClassData(typeof(BuildKitNegativeParserCases))]
    public void Parse_BuildKitNegativeTestfile_Fails(string caseName)
    {
        string path = Path.Combine(BuildKitNegativeParserCases.Folder, caseName, "Dockerfile");
        var error = Assert.Throws<DockerfileException>(() => DockerfileParser.Parse(ReadRaw(path)));
        output.WriteLine(error.Diagnostic.ToString());
    }

    [Fact]
    public void Corpus_AllCases_AreFound()
    {
        int positive = new BuildKitParserCases().Count;
        int negative = new BuildKitNegativeParserCases().Count;
        output.WriteLine($"BuildKit parser cases: {positive} positive, {negative} negative");
        Assert.Equal(33, positive);
        Assert.Equal(4, negative);
    }

    [Fact]
    public void Parse_BuildKitLineTestfile_InstructionsSpanTheExpectedLines()
    {
        string path = Path.Combine(RepositoryPaths.RequireDirectory(Path.Combine(RepositoryPaths.BuildKitConformance, "parser", "testfile-line")), "Dockerfile");
        DockerfileSyntax syntax = DockerfileParser.Parse(ReadRaw(path));
        Assert.Equal([(5, 5), (11, 12), (17, 31)], syntax.Instructions.Select(i => (i.Span.StartLine, i.Span.EndLine)));
    }
}
