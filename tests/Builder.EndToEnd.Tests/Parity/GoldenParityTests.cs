using System.Text.RegularExpressions;
using Builder.Testing;
using Builder.Testing.Parity;

namespace Builder.EndToEnd.Tests.Parity;

/// <summary>
/// Each case of <c>testdata/parity</c> with a <c>golden</c> file, built by imgbuild FROM the busybox fixture and
/// described by <see cref="ImageDescription"/> (the code that described BuildKit v0.24's image into the golden):
/// the two must be equal, or differ exactly as the case's <c>known-difference</c> file says. No BuildKit runs here.
/// </summary>
public sealed partial class GoldenParityTests(BuildKitParityFixture fixture) : IClassFixture<BuildKitParityFixture>
{
    [Theory, ClassData(typeof(GoldenParityCases))]
    public void Build_ParityCase_SameImageAsBuildKitGolden(string name)
    {
        RequiredTool.RequireRoot();
        ParityCase parity = ParityCase.Load(name);
        string folder = Directory.CreateDirectory(Path.Combine(fixture.Root, "golden", name)).FullName;
        try
        {
            string context = parity.PrepareContext(Path.Combine(folder, "context"));
            string layout = Path.Combine(folder, "image");
            string sshAgent = parity.NeedsSshAgent ? fixture.SshAgentSocket : "";
            (int status, _, string log) = fixture.Imgbuild([
                "--output", $"type=oci,dest={layout},tar=false", "--build-arg", $"BASE={fixture.BaseImage}",
                .. parity.ResolveOptions(context, sshAgent), context]);
            string diff = status != 0
                ? $"! imgbuild fails to build{(ErrorCode().Match(log) is { Success: true } code ? $": {code.Value}" : "")}\n"
                : LineDiff.Describe(GoldenFile.Read(parity.GoldenPath),
                    GoldenFile.Lines(ImageDescription.Read(layout, Path.Combine(folder, "scratch")), fixture.BaseDescription));

            if (KnownDifference.Of(parity) is { } known)
                Assert.True(diff == known.Diff,
                    $"{name} differs from BuildKit v0.24 otherwise than its known-difference file says ({known.Reason}). If imgbuild " +
                    $"now matches, delete the file; otherwise update its diff. The difference now (- golden only, + imgbuild only):\n{diff}\n{(status != 0 ? log : "")}");
            else
                Assert.True(diff.Length == 0, $"imgbuild's image differs from BuildKit v0.24's golden (- golden only, + imgbuild only):\n{diff}\n{(status != 0 ? log : "")}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"IB\d{4}")]
    private static partial Regex ErrorCode();
}
