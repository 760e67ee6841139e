using System.Diagnostics;
using System.Text;
using Builder.Frontend.Instructions;
using Builder.Frontend.Syntax;

// Parses generated Dockerfiles of growing size and prints the time per size and per instruction, so that a
// reader can see parsing grow linearly. Run: dotnet run -c Release --project bench/Builder.Benchmarks
// With "conversion" it measures conversion of deep Dockerfiles (scripts/bench-conversion.sh).
// With "layers <rootfs>" it measures layer writing instead (scripts/bench-layers.sh).
if (args is ["conversion"])
{
    await ConversionBenchmark.RunAsync();
    return;
}
if (args is ["layers", string rootfs])
{
    await LayerBenchmark.RunAsync(rootfs);
    return;
}

int[] sizes = [1_250, 2_500, 5_000, 10_000, 20_000];
Console.WriteLine("instructions  bytes      parse+type (ms, best of 5)  µs/instruction");
foreach (int size in sizes)
{
    string text = GenerateDockerfile(size);
    Parse(text); // warm up
    double best = double.MaxValue;
    for (int i = 0; i < 5; i++)
    {
        var watch = Stopwatch.StartNew();
        Parse(text);
        best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
    }
    Console.WriteLine($"{size,12}  {text.Length,9}  {best,26:F1}  {best * 1000 / size,14:F2}");
}

static void Parse(string text) => InstructionParser.Parse(DockerfileParser.Parse(text));

static string GenerateDockerfile(int instructions)
{
    string[] lines =
    [
        "RUN apt-get update && apt-get install -y \\\n    curl git \\\n    && rm -rf /var/lib/apt/lists/*",
        "ENV PATH=/usr/local/bin:$PATH LANG=\"C.UTF-8\"",
        "COPY --chown=app:app --chmod=0644 src/ /app/src/",
        "RUN --mount=type=cache,target=/root/.cache,sharing=locked make -j4",
        "LABEL org.opencontainers.image.title=\"bench\" version=1",
        "ARG VERSION=1.0",
        "WORKDIR /app",
        "CMD [\"/app/run\", \"--port\", \"8080\"]",
    ];
    var text = new StringBuilder("# syntax=docker/dockerfile:1\nFROM debian:bookworm AS base\n");
    for (int i = 1; i < instructions; i++) text.Append(lines[i % lines.Length]).Append('\n');
    return text.ToString();
}
