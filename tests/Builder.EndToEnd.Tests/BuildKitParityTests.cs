using Builder.EndToEnd.Tests.Parity;
using Builder.Testing;
using Builder.Testing.Parity;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// Each folder of <c>testdata/parity</c> built by imgbuild and by the Docker engine's BuildKit from the same base
/// image: the two images must have the same file tree and the same config. Cases where Docker 20.10's BuildKit
/// differs from BuildKit v0.24 (whose goldens <see cref="GoldenParityTests"/> compares with) have a
/// <c>docker-20.10-differs</c> file saying why, and are left out of <see cref="ParityCases"/>.
/// </summary>
public sealed class BuildKitParityTests(BuildKitParityFixture fixture) : IClassFixture<BuildKitParityFixture>
{
    [Theory, ClassData(typeof(ParityCases))]
    public async Task Build_ParityCase_SameImageAsBuildKit(string name)
    {
        RequiredTool.RequireRoot();
        ParityCase parity = ParityCase.Load(name);
        string folder = Directory.CreateDirectory(Path.Combine(fixture.Root, "cases", name)).FullName;
        string context = parity.PrepareContext(Path.Combine(folder, "context"));
        string suffix = Guid.NewGuid().ToString("N")[..12];
        string ours = $"imgbuild-parity/{name}:imgbuild-{suffix}", theirs = $"imgbuild-parity/{name}:buildkit-{suffix}";
        string archive = Path.Combine(folder, "imgbuild.tar");
        string[] options = ["--build-arg", $"BASE={fixture.BaseImageOf(parity)}",
            .. parity.ResolveOptions(context, parity.NeedsSshAgent ? fixture.SshAgentSocket : null)];
        try
        {
            // The two builders run at once: each mostly waits on its own containers and disk.
            Task buildKit = Task.Run(() => BuildKitBuild.Run(theirs, context, options));
            Task<(int Status, string Out, string Err)> imgbuild = Task.Run(() =>
                fixture.Imgbuild(["--output", $"type=docker,dest={archive},name={ours}", .. options, context]));
            await Task.WhenAll(buildKit, imgbuild);
            (int status, _, string log) = await imgbuild;
            Assert.True(status == 0, $"imgbuild failed where BuildKit built the image:\n{log}");
            DockerEngine.Run("load", "-i", archive);

            List<string> expected = [.. ImageFileTree.Read(theirs, folder), .. ImageConfigSummary.Read(theirs, folder)];
            List<string> actual = [.. ImageFileTree.Read(ours, folder), .. ImageConfigSummary.Read(ours, folder)];

            string diff = LineDiff.Describe(expected, actual);
            Assert.True(diff.Length == 0, $"imgbuild's image differs from BuildKit's (- BuildKit only, + imgbuild only):\n{diff}");
        }
        finally
        {
            RemoveImages(ours, theirs);
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void RemoveImages(params string[] tags)
    {
        string[] present = [.. tags.Where(tag => DockerEngine.Run("image", "ls", "-q", tag).Trim().Length > 0)];
        if (present.Length > 0) DockerEngine.Run(["rmi", "--force", .. present]);
    }
}
