using System.Diagnostics;
using System.Text;
using Builder.Frontend.Conversion;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;
using Builder.Graph;

/// <summary>
/// Conversion time (parse, type, convert, key every step) of deep Dockerfiles: chains of stages joined by
/// <c>COPY --from</c>, <c>RUN --mount=from=</c> and <c>FROM</c>, and runs of relative <c>WORKDIR</c>s. Doubling the
/// input should about double the time. Run: scripts/bench-conversion.sh
/// </summary>
internal static class ConversionBenchmark
{
    public static async Task RunAsync()
    {
        Console.WriteLine($"{Environment.ProcessorCount} cores; best of 3 runs (ms); total = parse + convert + key every step");
        Console.WriteLine("shape                    size   steps   parse  convert     key    total   µs/size");
        foreach ((string shape, Func<int, string> generate, int[] sizes) in Shapes())
        {
            foreach (int size in sizes)
            {
                string text = generate(size);
                (double Parse, double Convert, double Key, double Total) best = (0, 0, 0, double.MaxValue);
                int steps = 0;
                string? error = null;
                for (int run = 0; run < 3; run++)
                {
                    var watch = Stopwatch.StartNew();
                    DockerfileSyntax syntax = DockerfileParser.Parse(text);
                    double parse = watch.Elapsed.TotalMilliseconds;
                    BuildGraph graph;
                    try
                    {
                        graph = await DockerfileConverter.ConvertAsync(syntax, new ConversionOptions(), new EmptyImageConfigResolver());
                    }
                    catch (DockerfileException e)
                    {
                        // A limit the Dockerfile passes: how long it takes to say so is the figure.
                        error = $"  {e.Diagnostic.Code} at line {e.Diagnostic.Span.StartLine}";
                        graph = new BuildGraph([]);
                    }
                    double convert = watch.Elapsed.TotalMilliseconds;
                    steps = graph.Steps().Length;
                    double total = watch.Elapsed.TotalMilliseconds;
                    if (total < best.Total) best = (parse, convert - parse, total - convert, total);
                }
                Console.WriteLine($"{shape,-22} {size,6} {steps,7} {best.Parse,7:F0} {best.Convert,8:F0} {best.Key,7:F0} {best.Total,8:F0} {best.Total * 1000 / size,9:F1}{error}");
            }
        }
    }

    private static IEnumerable<(string Shape, Func<int, string> Generate, int[] Sizes)> Shapes()
    {
        int[] stages = [1_000, 2_000, 4_000, 8_000];
        yield return ("COPY --from chain", n => Chain(n, i => $"COPY --from=s{i - 1} /f{i - 1} /f{i}"), stages);
        yield return ("RUN --mount=from chain", n => Chain(n, i => $"RUN --mount=from=s{i - 1},target=/p true"), stages);
        var random = new Random(14);
        yield return ("COPY --from earlier", n => Chain(n, i => $"COPY --from=s{random.Next(i)} / /"), stages);
        yield return ("FROM chain", n => Chain(n, i => $"RUN true", fromPrevious: true), [4_000, 8_000, 16_000]);
        // Nested relative WORKDIRs pass PATH_MAX after 1,365 ("/dN" is 3 bytes); with an absolute WORKDIR every
        // 1,000 lines, each resolves a path of up to 3,000 bytes.
        yield return ("nested WORKDIRs", Workdirs, [1_000, 5_000]);
        yield return ("WORKDIRs, / per 1000", WorkdirsWithAbsolute, [1_000, 2_000, 4_000, 5_000]);
    }

    /// <summary>Stage s0 FROM scratch, then stages s1…s{n-1}, each reading the one before.</summary>
    internal static string Chain(int stages, Func<int, string> line, bool fromPrevious = false)
    {
        var text = new StringBuilder("FROM scratch AS s0\nCOPY f /f0\n");
        for (int i = 1; i < stages; i++)
        {
            text.Append(fromPrevious ? $"FROM s{i - 1} AS s{i}\n" : $"FROM scratch AS s{i}\n").Append(line(i)).Append('\n');
        }
        return text.ToString();
    }

    internal static string WorkdirsWithAbsolute(int count)
    {
        var text = new StringBuilder("FROM scratch\n");
        for (int i = 0; i < count; i++) text.Append(i % 1_000 == 999 ? "WORKDIR /w" : $"WORKDIR d{i % 10}").Append('\n');
        return text.ToString();
    }

    internal static string Workdirs(int count)
    {
        var text = new StringBuilder("FROM scratch\n");
        for (int i = 0; i < count; i++) text.Append("WORKDIR d").Append(i % 10).Append('\n');
        return text.ToString();
    }
}
