using System.Collections.Immutable;
using System.Text.Json;
using Builder.Cli.Output;
using Builder.Frontend.Diagnostics;
using Builder.Graph;
using Builder.Oci;
using Builder.Solver.Progress;
using Builder.Solver.Runtime;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Tests.Progress;

/// <summary>The shape of each <c>--progress=rawjson</c> event, read back as a reader would.</summary>
public sealed class RawJsonProgressTests
{
    private readonly StringWriter _written = new();
    private readonly RawJsonProgress _progress;

    public RawJsonProgressTests() => _progress = new RawJsonProgress(_written);

    private static ExecStep Run(string command, int line) =>
        new(["/bin/sh", "-c", command], [], "/", "") { Inputs = [new ScratchStep()], Origin = new StepOrigin("/src/Dockerfile", line, line, $"RUN {command}") };

    private List<JsonElement> Events() =>
        [.. _written.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];

    private JsonElement Last() => Events()[^1];

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement value) ? value.GetString() : null;

    [Fact]
    public void Started_NumbersStepsAndCarriesNameFileAndLine()
    {
        ExecStep first = Run("make", 4), second = Run("make test", 5);

        _progress.Started(first, StepKey.Of(first));
        _progress.Started(second, StepKey.Of(second));

        JsonElement e = Last();
        Assert.Equal(("started", 2, StepKey.Of(second).ToString(), "RUN make test", "/src/Dockerfile", 5),
            (Text(e, "event"), e.GetProperty("step").GetInt32(), Text(e, "key"), Text(e, "name"), Text(e, "file"), e.GetProperty("line").GetInt32()));
    }

    [Fact]
    public void CacheMissed_IsAMissEventWithItsReasons()
    {
        ExecStep step = Run("make", 4);
        StepKey key = StepKey.Of(step);
        _progress.Started(step, key);

        _progress.CacheMissed(step, key, ["context file changed: a.c (1 file)", "build arg or env V changed"]);

        JsonElement e = Last();
        Assert.Equal(("miss", 1), (Text(e, "event"), e.GetProperty("step").GetInt32()));
        Assert.Equal(["context file changed: a.c (1 file)", "build arg or env V changed"], e.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public void CachedOutputDone_CarryTheStepNumberAndTheirFields()
    {
        ExecStep step = Run("make", 4);
        StepKey key = StepKey.Of(step);
        _progress.Started(step, key);

        _progress.Output(step, key, new ContainerOutputLine(true, "warning: unused"));
        _progress.Cached(step, key);
        _progress.Finished(step, key, TimeSpan.FromMilliseconds(1250));

        List<JsonElement> events = Events();
        Assert.Equal(("output", 1, "stderr", "warning: unused"), (Text(events[1], "event"), events[1].GetProperty("step").GetInt32(), Text(events[1], "stream"), Text(events[1], "text")));
        Assert.Equal(("cached", 1), (Text(events[2], "event"), events[2].GetProperty("step").GetInt32()));
        Assert.Equal(("done", 1, 1.25), (Text(events[3], "event"), events[3].GetProperty("step").GetInt32(), events[3].GetProperty("seconds").GetDouble()));
    }

    [Fact]
    public void Message_InfoAndWarning_AreMessageAndWarningEvents()
    {
        _progress.Message(BuildMessage.Info("imported the cache"));
        _progress.Message(BuildMessage.Warning("cannot import the cache"));

        Assert.Equal([("message", "imported the cache"), ("warning", "cannot import the cache")], Events().Select(e => (Text(e, "event"), Text(e, "text"))));
    }

    [Fact]
    public void Diagnostic_CarriesSeveritySpanCodeMessageAndHint()
    {
        var diagnostic = new DockerfileDiagnostic(DiagnosticCodes.UnknownFlag, new SourceSpan("/src/Dockerfile", 3, 5, 3, 14), "RUN --bad-flag make",
            "unknown flag '--bad-flag' for RUN", "RUN accepts --mount, --network and --security");

        _progress.Diagnostic(diagnostic, "FROM a\n\nRUN --bad-flag make\n");

        JsonElement e = Last();
        Assert.Equal(("diagnostic", "error", "IB1008", "/src/Dockerfile"), (Text(e, "event"), Text(e, "severity"), Text(e, "code"), Text(e, "file")));
        Assert.Equal((3, 5, 3, 14), (e.GetProperty("line").GetInt32(), e.GetProperty("column").GetInt32(), e.GetProperty("endLine").GetInt32(), e.GetProperty("endColumn").GetInt32()));
        Assert.Equal(("RUN --bad-flag make", "unknown flag '--bad-flag' for RUN", "RUN accepts --mount, --network and --security"),
            (Text(e, "instruction"), Text(e, "message"), Text(e, "hint")));
    }

    [Fact]
    public void Diagnostic_Warning_HasWarningSeverityAndNoHintWhenNone()
    {
        _progress.Diagnostic(new DockerfileDiagnostic(DiagnosticCodes.EmptyContinuationLine, SourceSpan.At("Dockerfile", 2, 1), "RUN a \\", "empty continuation line",
            Severity: DiagnosticSeverity.Warning), null);

        JsonElement e = Last();
        Assert.Equal("warning", Text(e, "severity"));
        Assert.False(e.TryGetProperty("hint", out _));
    }

    [Fact]
    public void StepFailed_FailedRun_IsOneErrorWithStepPlaceStatusAndLastLines()
    {
        ExecStep step = Run("make", 4);
        _progress.Started(step, StepKey.Of(step));

        _progress.StepFailed(new StepFailedException(step, new ExecFailedException(step.Args, 2, ["compiling", "cc: error", "make: *** [all] Error 2"])));

        JsonElement e = Last();
        Assert.Equal(("error", 1, "RUN make", "/src/Dockerfile", 4, 4, 2),
            (Text(e, "event"), e.GetProperty("step").GetInt32(), Text(e, "instruction"), Text(e, "file"), e.GetProperty("line").GetInt32(),
             e.GetProperty("endLine").GetInt32(), e.GetProperty("exitCode").GetInt32()));
        Assert.Equal(["compiling", "cc: error", "make: *** [all] Error 2"], e.GetProperty("lastLines").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("process \"/bin/sh -c make\" did not complete successfully: exit code: 2", Text(e, "message"));
    }

    [Fact]
    public void StepFailed_NotAProcessExit_HasNoExitCodeAndNoLines()
    {
        ExecStep step = Run("make", 4);

        _progress.StepFailed(new StepFailedException(step, new IOException("disk full")));

        JsonElement e = Last();
        Assert.False(e.TryGetProperty("exitCode", out _));
        Assert.False(e.TryGetProperty("step", out _));
        Assert.Empty(e.GetProperty("lastLines").EnumerateArray());
        Assert.Equal("disk full", Text(e, "message"));
    }

    [Fact]
    public void EveryEvent_SaysWhenItHappened()
    {
        DateTimeOffset before = DateTimeOffset.UtcNow;
        _progress.Message(BuildMessage.Info("imported the cache"));

        DateTimeOffset time = DateTimeOffset.Parse(Text(Last(), "time")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(time, before, DateTimeOffset.UtcNow);
    }

    [Fact]
    public void Error_IsAnErrorEventWithOnlyItsMessage()
    {
        _progress.Error("building needs runc: install it with 'apt-get install runc'");

        JsonElement e = Last();
        Assert.Equal(["time", "event", "message"], e.EnumerateObject().Select(p => p.Name));
        Assert.Equal("building needs runc: install it with 'apt-get install runc'", Text(e, "message"));
    }

    [Fact]
    public void Completed_IsAResultWithTargetNamesAndDigests()
    {
        Digest manifest = Digest.Sha256Of("manifest"u8), config = Digest.Sha256Of("config"u8);

        _progress.Completed(new BuildCompletion("final", [ImageReference.Parse("reg:5000/app:1"), ImageReference.Parse("reg:5000/app:latest")], manifest, config));

        JsonElement e = Last();
        Assert.Equal(("result", "final", manifest.ToString(), config.ToString()), (Text(e, "event"), Text(e, "target"), Text(e, "manifestDigest"), Text(e, "configDigest")));
        Assert.Equal(["reg:5000/app:1", "reg:5000/app:latest"], e.GetProperty("names").EnumerateArray().Select(n => n.GetString()));
    }
}
