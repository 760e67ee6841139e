using System.Text;
using System.Text.Json;
using Builder.Cli.Output;
using Builder.Frontend.Diagnostics;
using Builder.Graph;
using Builder.Oci;
using Builder.Solver.Progress;
using Builder.Solver.Runtime;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Tests.Progress;

/// <summary>
/// Each <c>--progress=rawjson</c> line read back as a reader of buildx's rawjson would: BuildKit's
/// <c>client.SolveStatus</c> (vertexes, statuses, logs, warnings), and imgbuild's extra <c>"imgbuild"</c> field.
/// </summary>
public sealed class RawJsonProgressTests
{
    private readonly StringWriter _written = new();
    private readonly RawJsonProgress _progress;

    public RawJsonProgressTests() => _progress = new RawJsonProgress(_written);

    private static ExecStep Run(string command, int line) =>
        new(["/bin/sh", "-c", command], [], "/", "")
        {
            Inputs = [new ScratchStep()], Origin = new StepOrigin("/src/Dockerfile", line, line, $"RUN {command}") { Name = $"[build {line}/9] RUN {command}" },
        };

    private List<JsonElement> Lines() =>
        [.. _written.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];

    private JsonElement Last() => Lines()[^1];

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement value) ? value.GetString() : null;

    private static string[] Fields(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void Started_IsAVertexWithDigestInputsNameAndStartTime()
    {
        ExecStep first = Run("make", 4);
        ExecStep second = Run("make test", 5) with { Inputs = [first] };
        DateTimeOffset before = DateTimeOffset.UtcNow;

        _progress.Started(second, StepKey.Of(second));

        JsonElement vertex = Assert.Single(Last().GetProperty("vertexes").EnumerateArray());
        Assert.Equal(["digest", "inputs", "name", "started"], Fields(vertex));
        Assert.Equal((StepKey.Of(second).ToString(), StepKey.Of(first).ToString(), "[build 5/9] RUN make test"),
            (Text(vertex, "digest"), vertex.GetProperty("inputs")[0].GetString(), Text(vertex, "name")));
        Assert.InRange(vertex.GetProperty("started").GetDateTimeOffset(), before, DateTimeOffset.UtcNow);
    }

    [Fact]
    public void CacheMissed_IsAnImgbuildMissEventWithItsVertexAndReasons()
    {
        ExecStep step = Run("make", 4);
        StepKey key = StepKey.Of(step);
        _progress.Started(step, key);

        _progress.CacheMissed(step, key, ["context file changed: a.c (1 file)", "build arg or env V changed"]);

        JsonElement e = Last().GetProperty("imgbuild");
        Assert.Equal(("miss", key.ToString(), "[build 4/9] RUN make"), (Text(e, "event"), Text(e, "vertex"), Text(e, "name")));
        Assert.Equal(["context file changed: a.c (1 file)", "build arg or env V changed"], e.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public void OutputCachedDone_AreLogsInBase64AndCompletedVertexes()
    {
        ExecStep step = Run("make", 4);
        StepKey key = StepKey.Of(step);
        _progress.Started(step, key);

        _progress.Output(step, key, new ContainerOutputLine(true, "warning: unused"));
        _progress.Cached(step, key);
        _progress.Finished(step, key, TimeSpan.FromMilliseconds(1250));

        List<JsonElement> lines = Lines();
        JsonElement log = Assert.Single(lines[1].GetProperty("logs").EnumerateArray());
        Assert.Equal((key.ToString(), 2, "warning: unused\n"), (Text(log, "vertex"), log.GetProperty("stream").GetInt32(), Encoding.UTF8.GetString(log.GetProperty("data").GetBytesFromBase64())));
        JsonElement cached = lines[2].GetProperty("vertexes")[0];
        Assert.True(cached.GetProperty("cached").GetBoolean());
        Assert.True(cached.GetProperty("completed").GetDateTimeOffset() >= cached.GetProperty("started").GetDateTimeOffset());
        Assert.False(lines[3].GetProperty("vertexes")[0].TryGetProperty("cached", out _));
    }

    [Fact]
    public void Activity_IsAVertexWithItsStatuses()
    {
        var exporting = new BuildActivity("exporting to image");

        _progress.ActivityStarted(exporting);
        _progress.ActivityStatus(exporting, "naming to docker.io/library/app:1");
        _progress.ActivityFinished(exporting, TimeSpan.FromSeconds(1));

        List<JsonElement> lines = Lines();
        string digest = Text(lines[0].GetProperty("vertexes")[0], "digest")!;
        Assert.StartsWith("sha256:", digest, StringComparison.Ordinal);
        JsonElement status = lines[1].GetProperty("statuses")[0];
        Assert.Equal(("naming to docker.io/library/app:1", digest), (Text(status, "id"), Text(status, "vertex")));
        Assert.True(status.TryGetProperty("completed", out _));
        Assert.Equal(("exporting to image", digest), (Text(lines[2].GetProperty("vertexes")[0], "name"), Text(lines[2].GetProperty("vertexes")[0], "digest")));
    }

    [Fact]
    public void Message_InfoAndWarning_AreImgbuildMessageAndWarning()
    {
        _progress.Message(BuildMessage.Info("imported the cache"));
        _progress.Message(BuildMessage.Warning("cannot import the cache"));

        Assert.Equal([("message", "imported the cache"), ("warning", "cannot import the cache")],
            Lines().Select(e => e.GetProperty("imgbuild")).Select(e => (Text(e, "event"), Text(e, "text"))));
    }

    [Fact]
    public void Diagnostic_CarriesSeveritySpanCodeMessageAndHint()
    {
        var diagnostic = new DockerfileDiagnostic(DiagnosticCodes.UnknownFlag, new SourceSpan("/src/Dockerfile", 3, 5, 3, 14), "RUN --bad-flag make",
            "unknown flag '--bad-flag' for RUN", "RUN accepts --mount, --network and --security");

        _progress.Diagnostic(diagnostic, "FROM a\n\nRUN --bad-flag make\n");

        JsonElement e = Last().GetProperty("imgbuild");
        Assert.False(Last().TryGetProperty("warnings", out _));
        Assert.Equal(("diagnostic", "error", "IB1008", "/src/Dockerfile"), (Text(e, "event"), Text(e, "severity"), Text(e, "code"), Text(e, "file")));
        Assert.Equal((3, 5, 3, 14), (e.GetProperty("line").GetInt32(), e.GetProperty("column").GetInt32(), e.GetProperty("endLine").GetInt32(), e.GetProperty("endColumn").GetInt32()));
        Assert.Equal(("RUN --bad-flag make", "unknown flag '--bad-flag' for RUN", "RUN accepts --mount, --network and --security"),
            (Text(e, "instruction"), Text(e, "message"), Text(e, "hint")));
    }

    [Fact]
    public void Diagnostic_Warning_IsAlsoBuildKitsVertexWarning()
    {
        _progress.Diagnostic(new DockerfileDiagnostic(DiagnosticCodes.EmptyContinuationLine, SourceSpan.At("Dockerfile", 2, 1), "RUN a \\", "empty continuation line",
            Severity: DiagnosticSeverity.Warning), null);

        JsonElement warning = Assert.Single(Last().GetProperty("warnings").EnumerateArray());
        Assert.Equal((1, $"{DiagnosticCodes.EmptyContinuationLine}: empty continuation line (line 2)", "Dockerfile", 2),
            (warning.GetProperty("level").GetInt32(), Encoding.UTF8.GetString(warning.GetProperty("short").GetBytesFromBase64()),
             Text(warning.GetProperty("sourceInfo"), "filename"), warning.GetProperty("range")[0].GetProperty("start").GetProperty("line").GetInt32()));
        Assert.Equal("warning", Text(Last().GetProperty("imgbuild"), "severity"));
        Assert.False(Last().GetProperty("imgbuild").TryGetProperty("hint", out _));
    }

    [Fact]
    public void StepFailed_FailedVertexHasTheErrorAndRunningOnesAreCanceled()
    {
        ExecStep step = Run("make", 4), other = Run("sleep 9", 6);
        _progress.Started(step, StepKey.Of(step));
        _progress.Started(other, StepKey.Of(other));

        _progress.StepFailed(new StepFailedException(step, new ExecFailedException(step.Args, 2, ["compiling", "cc: error", "make: *** [all] Error 2"])), null);

        JsonElement[] vertexes = [.. Last().GetProperty("vertexes").EnumerateArray()];
        Assert.Equal([(StepKey.Of(step).ToString(), "process \"/bin/sh -c make\" did not complete successfully: exit code: 2"), (StepKey.Of(other).ToString(), "context canceled")],
            vertexes.Select(v => (Text(v, "digest"), Text(v, "error"))));
        Assert.All(vertexes, v => Assert.True(v.TryGetProperty("completed", out _)));
        JsonElement e = Last().GetProperty("imgbuild");
        Assert.Equal(("error", StepKey.Of(step).ToString(), "RUN make", "/src/Dockerfile", 4, 4, 2),
            (Text(e, "event"), Text(e, "vertex"), Text(e, "instruction"), Text(e, "file"), e.GetProperty("line").GetInt32(),
             e.GetProperty("endLine").GetInt32(), e.GetProperty("exitCode").GetInt32()));
        Assert.Equal(["compiling", "cc: error", "make: *** [all] Error 2"], e.GetProperty("lastLines").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("process \"/bin/sh -c make\" did not complete successfully: exit code: 2", Text(e, "message"));
    }

    [Fact]
    public void StepFailed_NotAProcessExit_HasNoExitCodeAndNoLines()
    {
        ExecStep step = Run("make", 4);

        _progress.StepFailed(new StepFailedException(step, new IOException("disk full")), null);

        JsonElement e = Last().GetProperty("imgbuild");
        Assert.False(e.TryGetProperty("exitCode", out _));
        Assert.Empty(e.GetProperty("lastLines").EnumerateArray());
        Assert.Equal("disk full", Text(e, "message"));
    }

    [Fact]
    public void Error_IsAnImgbuildErrorWithOnlyItsMessage()
    {
        _progress.Error("building needs runc: install it with 'apt-get install runc'");

        Assert.Equal(["imgbuild"], Fields(Last()));
        JsonElement e = Last().GetProperty("imgbuild");
        Assert.Equal(["event", "message"], Fields(e));
        Assert.Equal("building needs runc: install it with 'apt-get install runc'", Text(e, "message"));
    }

    [Fact]
    public void Completed_IsAResultWithTargetNamesAndDigests()
    {
        Digest manifest = Digest.Sha256Of("manifest"u8), config = Digest.Sha256Of("config"u8);

        _progress.Completed(new BuildCompletion("final", [ImageReference.Parse("reg:5000/app:1"), ImageReference.Parse("reg:5000/app:latest")], manifest, config));

        JsonElement e = Last().GetProperty("imgbuild");
        Assert.Equal(("result", "final", manifest.ToString(), config.ToString()), (Text(e, "event"), Text(e, "target"), Text(e, "manifestDigest"), Text(e, "configDigest")));
        Assert.Equal(["reg:5000/app:1", "reg:5000/app:latest"], e.GetProperty("names").EnumerateArray().Select(n => n.GetString()));
    }
}
