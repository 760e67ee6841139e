using System.Text;
using Builder.Frontend.Conversion;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Instructions;
using Builder.Frontend.Syntax;
using Builder.Frontend.Tests.Conformance;
using Xunit.Abstractions;

namespace Builder.Frontend.Tests.Fuzzing;

/// <summary>
/// Property: whatever the input, the frontend either succeeds or throws <see cref="DockerfileException"/>,
/// never anything else. Inputs are mutated corpus Dockerfiles and random bytes, from a fixed seed.
/// </summary>
public sealed class DockerfileFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Fragments =
    [
        "\\\n", "`", "\"", "'", "${", "}", "$", "<<EOF\n", "EOF\n", "<<-'X'\n", "--mount=type=cache,target=/x ", "--from=",
        "[", "]", "\"a\",", "# escape=`\n", "\r\n", "\uFEFF", "\t", "ONBUILD ", "FROM ", " AS ", "COPY ", "RUN ", "ARG A=${A:-x}\n",
        "HEALTHCHECK --interval=", "=", ",", "\0", "é", "${a/b/c}", "${a%%*}", "--chmod=u+x ",
    ];

    [Fact]
    public void Frontend_MutatedAndRandomInput_ThrowsOnlyDockerfileException()
    {
        var random = new Random(20261122);
        var corpus = Directory.GetDirectories(RepositoryPaths.RequireDirectory(BuildKitParserCases.Folder))
            .Select(dir => File.ReadAllText(Path.Combine(dir, "Dockerfile"))).ToArray();
        int runs = 0, accepted = 0;
        for (int i = 0; i < 4000; i++)
        {
            string input = i % 4 == 3 ? RandomBytes(random) : Mutate(corpus[random.Next(corpus.Length)], random);
            if (Run(input)) accepted++;
            runs++;
        }
        output.WriteLine($"fuzz: {runs} inputs, {accepted} accepted, {runs - accepted} rejected with a DockerfileException");
        Assert.Equal(4000, runs);
    }

    private static bool Run(string input)
    {
        try
        {
            DockerfileSyntax syntax = DockerfileParser.Parse(input);
            InstructionParser.Parse(syntax);
            DockerfileConverter.ConvertAsync(syntax, new ConversionOptions(), new EmptyImageConfigResolver()).GetAwaiter().GetResult();
            return true;
        }
        catch (DockerfileException e)
        {
            Assert.False(string.IsNullOrEmpty(e.Diagnostic.Message));
            Assert.True(e.Diagnostic.Span.StartLine >= 1, $"bad line in {e.Diagnostic}");
            return false;
        }
        catch (Exception e)
        {
            Assert.Fail($"{e.GetType().Name}: {e.Message}\ninput: {Convert.ToBase64String(Encoding.UTF8.GetBytes(input))}\n{e.StackTrace}");
            return false;
        }
    }

    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        int edits = random.Next(1, 8);
        for (int e = 0; e < edits; e++)
        {
            int at = builder.Length == 0 ? 0 : random.Next(builder.Length);
            switch (random.Next(3))
            {
                case 0: builder.Insert(at, Fragments[random.Next(Fragments.Length)]); break;
                case 1: if (builder.Length > 0) builder.Remove(at, Math.Min(random.Next(1, 10), builder.Length - at)); break;
                default: if (builder.Length > 0) builder[at] = (char)random.Next(0, 128); break;
            }
        }
        return builder.ToString();
    }

    private static string RandomBytes(Random random)
    {
        byte[] bytes = new byte[random.Next(0, 400)];
        random.NextBytes(bytes);
        return Encoding.UTF8.GetString(bytes);
    }
}
