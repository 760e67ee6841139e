using Builder.Solver.Progress;
using Builder.Cli.Output;
using Builder.Frontend.Diagnostics;
using Builder.Graph;
using Builder.Solver.Runtime;
using Builder.Solver.Scheduling;

namespace Builder.Cli.Tests.Progress;

/// <summary>What plain and tty print after the solve: the diagnostic with its line, a failed step, another error.</summary>
public sealed class TextRendererTests
{
    private static readonly DockerfileDiagnostic BadFlag = new(DiagnosticCodes.UnknownFlag, new SourceSpan("Dockerfile", 2, 5, 2, 14), "RUN --bad-flag make",
        "unknown flag '--bad-flag' for RUN", "remove it");

    private static ExecStep Run(string command) =>
        new(["/bin/sh", "-c", command], [], "/", "") { Inputs = [new ScratchStep()], Origin = new StepOrigin("Dockerfile", 4, 4, $"RUN {command}") };

    [Fact]
    public void Plain_Diagnostic_PrintsItWithItsLineAndHint()
    {
        var written = new StringWriter();

        new PlainProgress(written).Diagnostic(BadFlag, "FROM a\nRUN --bad-flag make\n");

        Assert.Equal("Dockerfile:2:5: error IB1008: unknown flag '--bad-flag' for RUN\n   2 | RUN --bad-flag make\n     |     ^^^^^^^^^^\n  hint: remove it\n", written.ToString());
    }

    [Fact]
    public void Plain_StepFailedAndError_AreImgbuildLines()
    {
        var written = new StringWriter();
        var plain = new PlainProgress(written);
        ExecStep step = Run("make");

        plain.StepFailed(new StepFailedException(step, new ExecFailedException(step.Args, 2, ["boom"])));
        plain.Error("building needs runc");

        Assert.Equal("imgbuild: Dockerfile:4: RUN make: process \"/bin/sh -c make\" did not complete successfully: exit code: 2\nboom\nimgbuild: building needs runc\n", written.ToString());
    }

    [Fact]
    public void Plain_Quiet_DropsProgressButKeepsErrors()
    {
        var errors = new StringWriter();
        var quiet = new PlainProgress(TextWriter.Null, errors);
        ExecStep step = Run("make");

        quiet.Started(step, StepKey.Of(step));
        quiet.Error("building needs runc");

        Assert.Equal("imgbuild: building needs runc\n", errors.ToString());
    }

    [Fact]
    public void Tty_StepFailed_PrintsTheRunningStepsOutputThenTheFailure()
    {
        var written = new StringWriter();
        ExecStep step = Run("make");
        using (var tty = new TtyProgress(written, 80))
        {
            tty.Started(step, StepKey.Of(step));
            tty.Output(step, StepKey.Of(step), new ContainerOutputLine(false, "compiling"));

            tty.StepFailed(new StepFailedException(step, new ExecFailedException(step.Args, 2, ["compiling"])));
        }

        string text = written.ToString();
        int error = text.IndexOf(" => ERROR [4] RUN make\n    compiling\n", StringComparison.Ordinal);
        Assert.True(error >= 0, text);
        Assert.True(text.IndexOf("imgbuild: Dockerfile:4: RUN make: process", StringComparison.Ordinal) > error, text);
    }

    [Fact]
    public void Tty_Diagnostic_PrintsItWithItsLine()
    {
        var written = new StringWriter();
        using (var tty = new TtyProgress(written, 80))
            tty.Diagnostic(BadFlag, "FROM a\nRUN --bad-flag make\n");

        Assert.Contains("Dockerfile:2:5: error IB1008: unknown flag '--bad-flag' for RUN\n   2 | RUN --bad-flag make\n", written.ToString(), StringComparison.Ordinal);
    }
}
