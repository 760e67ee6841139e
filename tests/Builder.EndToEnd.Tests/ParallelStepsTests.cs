using System.Text.Json;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// BuildKit's concurrency: with no <c>--jobs</c>, every step whose inputs are ready starts, however many cores the
/// machine has. Overlap is read from the step times in the rawjson progress, not from the wall clock.
/// </summary>
public sealed class ParallelStepsTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-parallel-e2e-").FullName;

    [Fact]
    public void Build_FourIndependentSleepingStages_AllRunAtOnce()
    {
        RequiredTool.RequireRoot();
        string context = TestContext.WithDockerfile(_root, $"""
            FROM {_registry.SeedBusybox("library/busybox")} AS base
            FROM base AS a
            RUN sleep 1 && echo a > /a
            FROM base AS b
            RUN sleep 1 && echo b > /b
            FROM base AS c
            RUN sleep 1 && echo c > /c
            FROM base AS d
            RUN sleep 1 && echo d > /d
            FROM base
            COPY --from=a /a /a
            COPY --from=b /b /b
            COPY --from=c /c /c
            COPY --from=d /d /d
            """);

        (int status, _, string error) = InProcessImgbuild.Run("--root", Path.Combine(_root, "store"), "--progress", "rawjson", "-t", "parallel:1", context);

        Assert.True(status == 0, error);
        // BuildKit's SolveStatus: each vertex comes when it starts and again when it completes, with both times.
        var started = new Dictionary<string, DateTimeOffset>();
        var done = new Dictionary<string, DateTimeOffset>();
        var runs = new HashSet<string>();
        foreach (string line in error.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument document = JsonDocument.Parse(line);
            if (!document.RootElement.TryGetProperty("vertexes", out JsonElement vertexes)) continue;
            foreach (JsonElement vertex in vertexes.EnumerateArray())
            {
                string digest = vertex.GetProperty("digest").GetString()!;
                started[digest] = vertex.GetProperty("started").GetDateTimeOffset();
                if (vertex.TryGetProperty("completed", out JsonElement completed)) done[digest] = completed.GetDateTimeOffset();
                if (vertex.GetProperty("name").GetString()!.Contains("] RUN sleep 1", StringComparison.Ordinal)) runs.Add(digest);
            }
        }
        Assert.Equal(4, runs.Count);
        // All four overlap: the last one starts before the first one ends (two cores would run them two by two).
        DateTimeOffset lastStart = runs.Max(s => started[s]), firstEnd = runs.Min(s => done[s]);
        Assert.True(lastStart < firstEnd, $"the last RUN started at {lastStart:O}, after the first ended at {firstEnd:O}");
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
