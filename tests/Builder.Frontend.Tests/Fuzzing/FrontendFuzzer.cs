using System.Text;
using Builder.Frontend.Conversion;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Instructions;
using Builder.Frontend.Syntax;
using Builder.Testing;
using Xunit.Abstractions;

namespace Builder.Frontend.Tests.Fuzzing;

/// <summary>
/// Checks the property the fuzz tests state: whatever the input, the frontend either succeeds or throws
/// <see cref="DockerfileException"/>, never anything else. Inputs are mutated corpus Dockerfiles, deep structures and
/// random bytes, from a fixed seed; <c>IMGBUILD_FUZZ_ITERATIONS</c> runs more (scripts/fuzz.sh).
/// </summary>
internal static class FrontendFuzzer
{
    private static readonly string[] Fragments =
    [
        "\\\n", "`", "\"", "'", "${", "}", "$", "<<EOF\n", "EOF\n", "<<-'X'\n", "--mount=type=cache,target=/x ", "--from=",
        "[", "]", "\"a\",", "# escape=`\n", "\r\n", "\uFEFF", "\t", "ONBUILD ", "FROM ", " AS ", "COPY ", "RUN ", "ARG A=${A:-x}\n",
        "HEALTHCHECK --interval=", "=", ",", "\0", "é", "${a/b/c}", "${a%%*}", "--chmod=u+x ",
    ];

    /// <summary>Runs <paramref name="iterations"/> inputs made from <paramref name="corpus"/> (texts of Dockerfiles) and prints a summary.</summary>
    public static void Run(string corpusName, string[] corpus, int iterations, ITestOutputHelper output)
    {
        Assert.NotEmpty(corpus);
        var random = new Random(FuzzSettings.Seed);
        int accepted = 0;
        (double Milliseconds, string Input) slowest = (0, "");
        for (int i = 0; i < iterations; i++)
        {
            string input = (i % 4, i % 100) switch
            {
                (_, 99) => Deep(random), // big and slow to convert, so rare: what they test is depth, not variety
                (3, _) => RandomBytes(random),
                _ => Mutate(corpus[random.Next(corpus.Length)], random),
            };
            var watch = System.Diagnostics.Stopwatch.StartNew();
            if (Run(input)) accepted++;
            if (watch.Elapsed.TotalMilliseconds > slowest.Milliseconds) slowest = (watch.Elapsed.TotalMilliseconds, input);
        }
        string shown = slowest.Input.Length <= 60 ? slowest.Input : slowest.Input[..60] + $"… ({slowest.Input.Length} chars)";
        output.WriteLine($"frontend fuzz: seed {FuzzSettings.Seed}, {corpus.Length} Dockerfiles of {corpusName}, {iterations} inputs, {accepted} accepted, " +
            $"{iterations - accepted} rejected with a DockerfileException, 0 foreign exceptions, slowest {slowest.Milliseconds:F1} ms: {shown.ReplaceLineEndings("⏎")}");
    }

    /// <summary>The texts of the Dockerfiles in <paramref name="files"/>, in a fixed order.</summary>
    public static string[] Read(IEnumerable<string> files) =>
        [.. files.Where(File.Exists).Order(StringComparer.Ordinal).Select(File.ReadAllText)];

    // Deep structures, where a recursive parser or converter would run out of stack: nested expansions, long
    // continuations, chains of stages, many heredocs.
    private static string Deep(Random random)
    {
        int n = random.Next(1_000, 4_000);
        return random.Next(5) switch
        {
            0 => "FROM scratch\nENV A=" + string.Concat(Enumerable.Repeat("${A:-", n)) + "x" + new string('}', random.Next(n + 1)) + "\n",
            1 => "FROM scratch\nRUN " + string.Concat(Enumerable.Repeat("echo \\\n", n)) + "\n",
            2 => "FROM scratch AS s0\n" + string.Concat(Enumerable.Range(1, n).Select(i => $"FROM s{i - 1} AS s{i}\n")),
            3 => "FROM scratch AS s0\n" + string.Concat(Enumerable.Range(1, n).Select(i => $"FROM scratch AS s{i}\nCOPY --from=s{random.Next(i)} / /\n")),
            _ => "FROM scratch\nRUN " + string.Concat(Enumerable.Repeat("<<E ", random.Next(1, 200))) + "\n" + string.Concat(Enumerable.Repeat("x\nE\n", n / 10)),
        };
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
