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
    public void Plain_StepFailed_ErrorThenCanceledThenBuildxSummaryWithExcerpt()
    {
        var written = new StringWriter();
        var plain = new PlainProgress(written);
        ExecStep failing = Run("make") with { Origin = new StepOrigin("app/Dockerfile", 4, 4, "RUN make") { Name = "[build 2/2] RUN make" } };
        ExecStep other = Run("sleep 9") with { Origin = new StepOrigin("app/Dockerfile", 6, 6, "RUN sleep 9") { Name = "[other 1/1] RUN sleep 9" } };

        plain.Started(failing, StepKey.Of(failing));
        plain.Started(other, StepKey.Of(other));
        plain.Output(failing, StepKey.Of(failing), new ContainerOutputLine(true, "boom"));
        plain.StepFailed(new StepFailedException(failing, new ExecFailedException(failing.Args, 2, ["boom"])), "FROM a\nWORKDIR /src\nCOPY . .\nRUN make\nFROM a AS other\nRUN sleep 9\n");
        plain.Error("building needs runc");

        Assert.Equal("""
            #1 [build 2/2] RUN make
            #1 ...

            #2 [other 1/1] RUN sleep 9
            #2 ...

            #1 [build 2/2] RUN make
            #1 0.000 boom
            #1 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2

            #2 [other 1/1] RUN sleep 9
            #2 CANCELED
            ------
             > [build 2/2] RUN make:
            0.000 boom
            ------
            Dockerfile:4
            --------------------
               2 |     WORKDIR /src
               3 |     COPY . .
               4 | >>> RUN make
               5 |     FROM a AS other
               6 |     RUN sleep 9
            --------------------
            ERROR: failed to solve: process "/bin/sh -c make" did not complete successfully: exit code: 2
            imgbuild: building needs runc

            """.Replace("\r", ""), System.Text.RegularExpressions.Regex.Replace(written.ToString(), @"\d+\.\d{3} boom", "0.000 boom"));
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
    public void Tty_StepFailed_ErrorAndCanceledColouredThenFinalHeaderThenWholeOutputAndError()
    {
        var written = new StringWriter();
        ExecStep step = Run("make"), other = Run("sleep 9");
        using (var tty = new TtyProgress(written, 80))
        {
            tty.Started(step, StepKey.Of(step));
            tty.Started(other, StepKey.Of(other));
            tty.Output(step, StepKey.Of(step), new ContainerOutputLine(false, "compiling"));

            tty.StepFailed(new StepFailedException(step, new ExecFailedException(step.Args, 2, ["compiling"])), "FROM a\nRUN a\nRUN b\nRUN make\n");
        }

        string text = written.ToString();
        int error = text.IndexOf("\x1b[31m => ERROR [4] RUN make", StringComparison.Ordinal);
        int canceled = text.IndexOf("\x1b[33m => CANCELED [4] RUN sleep 9", StringComparison.Ordinal);
        int header = text.IndexOf("(2/2) FINISHED\n------\n > [4] RUN make:\ncompiling\n------\nDockerfile:4\n", StringComparison.Ordinal);
        int excerpt = text.IndexOf("   4 | >>> RUN make\n", StringComparison.Ordinal);
        int failure = text.IndexOf("ERROR: failed to solve: process \"/bin/sh -c make\" did not complete successfully: exit code: 2\n", StringComparison.Ordinal);
        Assert.True(error >= 0 && canceled > error && header > canceled && excerpt > header && failure > excerpt, text);
    }

    [Fact]
    public void Tty_NoColor_FinishedStepsWithoutEscapes()
    {
        var written = new StringWriter();
        ExecStep step = Run("make");
        using (var tty = new TtyProgress(written, 80, color: false))
        {
            tty.Started(step, StepKey.Of(step));
            tty.Finished(step, StepKey.Of(step), TimeSpan.FromSeconds(1.25));
        }

        Assert.Contains(" => [4] RUN make", written.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\x1b[34m", written.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Tty_Color_FinishedStepsBlue()
    {
        var written = new StringWriter();
        ExecStep step = Run("make");
        using (var tty = new TtyProgress(written, 80))
        {
            tty.Started(step, StepKey.Of(step));
            tty.Finished(step, StepKey.Of(step), TimeSpan.FromSeconds(1.25));
        }

        Assert.Contains("\x1b[34m => [4] RUN make", written.ToString(), StringComparison.Ordinal);
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
