using Builder.Solver.Runtime;
using Builder.Solver.Snapshots;
using Builder.Testing;

namespace Builder.Solver.Tests.Runtime;

/// <summary>The tmpfs that keeps a build's bundles (and so its secrets) in RAM.</summary>
public sealed class BundleTmpfsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-bundles-").FullName;

    [Fact]
    public void CreateBundle_First_MountsAPrivateTmpfsThatDisposeRemoves()
    {
        RequiredTool.RequireRoot();
        var bundles = new BundleTmpfs(Path.Combine(_root, "bundles"));

        string bundle = bundles.CreateBundle("build-0123456789abcdef-1");
        File.WriteAllText(Path.Combine(bundle, "config.json"), "{}");
        string line = File.ReadAllLines("/proc/self/mountinfo").Single(l => l.Split(' ')[4] == bundles.Directory);
        Assert.Contains(" - tmpfs ", line, StringComparison.Ordinal);
        Assert.Contains("mode=700", line, StringComparison.Ordinal);
        bundles.Dispose();

        Assert.Empty(MountTable.MountPointsUnder(_root));
        Assert.False(Directory.Exists(bundles.Directory));
    }

    public void Dispose()
    {
        MountTable.UnmountUnder(_root);
        Directory.Delete(_root, recursive: true);
    }
}
