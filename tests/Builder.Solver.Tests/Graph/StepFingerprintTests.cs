using Builder.Graph;

namespace Builder.Solver.Tests.Graph;

/// <summary>A step's definition part by part, so a cache miss can name the field or variable that changed.</summary>
public sealed class StepFingerprintTests
{
    private static ExecStep Run(params string[] env) => new(["/bin/sh", "-c", "make"], [.. env], "/src", "");

    private static Dictionary<string, string> Parts(BuildStep step) => StepFingerprint.Of(step).ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void Of_Env_OnePartPerVariable_OnlyTheChangedOneDiffers()
    {
        Dictionary<string, string> before = Parts(Run("A=1", "B=2")), after = Parts(Run("A=1", "B=3"));

        Assert.Equal(before["env:A"], after["env:A"]);
        Assert.NotEqual(before["env:B"], after["env:B"]);
        Assert.Equal(before["args"], after["args"]);
        Assert.All(before.Values, v => Assert.Matches("^[0-9a-f]{16}$", v)); // digests only: a build arg's value is not kept
    }

    [Fact]
    public void Of_Command_ArgsPartDiffers()
    {
        ExecStep other = Run("A=1") with { Args = ["/bin/sh", "-c", "make install"] };

        Assert.NotEqual(Parts(Run("A=1"))["args"], Parts(other)["args"]);
        Assert.Equal(Parts(Run("A=1"))["workingDirectory"], Parts(other)["workingDirectory"]);
    }

    [Fact]
    public void Of_Mounts_TheListIsOnePart()
    {
        ExecStep mounted = Run() with { Mounts = [new TmpfsMount("/tmp")] };

        Assert.NotEqual(Parts(Run())["mounts"], Parts(mounted)["mounts"]);
        Assert.DoesNotContain(Parts(mounted).Keys, k => k.StartsWith("target", StringComparison.Ordinal));
    }
}
