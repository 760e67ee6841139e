using Builder.Graph;
using Builder.Solver.Runtime;
using Builder.Solver.Scheduling;

namespace Builder.Solver.Tests.Scheduling;

public sealed class StepFailedExceptionTests
{
    private static ExecStep Run(string command) =>
        new(["/bin/sh", "-c", command], [], "/", "") { Inputs = [new ScratchStep()], Origin = new StepOrigin("Dockerfile", 4, 4, $"RUN {command}") };

    [Fact]
    public void FailedRun_CarriesKeyOriginStatusAndLastLines()
    {
        ExecStep step = Run("make");

        var error = new StepFailedException(step, new ExecFailedException(step.Args, 2, ["compiling", "make: *** [all] Error 2"]));

        Assert.Equal(StepKey.Of(step), error.Key);
        Assert.Equal(("Dockerfile", 4, "RUN make"), (error.Origin!.File, error.Origin.StartLine, error.Origin.Instruction));
        Assert.Equal(2, error.ExitCode);
        Assert.Equal(["compiling", "make: *** [all] Error 2"], error.LastLines);
        Assert.Equal("process \"/bin/sh -c make\" did not complete successfully: exit code: 2", error.Reason);
        Assert.Equal("Dockerfile:4: RUN make: process \"/bin/sh -c make\" did not complete successfully: exit code: 2\ncompiling\nmake: *** [all] Error 2", error.Message);
    }

    [Fact]
    public void OtherFailure_HasNoStatusNorLines_AndItsMessageAsReason()
    {
        var error = new StepFailedException(Run("true"), new IOException("disk full"));

        Assert.Null(error.ExitCode);
        Assert.Empty(error.LastLines);
        Assert.Equal("disk full", error.Reason);
    }
}
