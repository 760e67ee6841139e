using Builder.Solver.Snapshots;
using Builder.Testing;

namespace Builder.Solver.Tests.Snapshots;

/// <summary>Reading /proc/self/mountinfo and unmounting what is under a folder, deepest first.</summary>
public sealed class MountTableTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-mounttable-").FullName;

    [Fact]
    public void MountPoints_EscapedPath_IsDecoded()
    {
        string[] lines = ["36 35 98:0 / /work/a\\040b\\134c rw,noatime - tmpfs tmpfs rw", "37 35 98:0 / /plain rw - ext4 /dev/x rw"];

        Assert.Equal(["/work/a b\\c", "/plain"], MountTable.MountPoints(lines));
    }

    [Fact]
    public void UnmountUnder_NestedAndStackedMounts_RemovesThemAllAndNothingBeside()
    {
        RequiredTool.RequireRoot();
        string folder = Directory.CreateDirectory(Path.Combine(_root, "build")).FullName;
        string outer = Mount(Path.Combine(folder, "outer"));
        string inner = Mount(Path.Combine(outer, "inner"));
        Mount(inner); // two mounts on one point
        string beside = Mount(Path.Combine(_root, "build-other"));

        Assert.Equal([inner, outer], MountTable.MountPointsUnder(folder));
        MountTable.UnmountUnder(folder);

        Assert.Empty(MountTable.MountPointsUnder(folder));
        Assert.Equal([beside], MountTable.MountPointsUnder(beside));
    }

    private static string Mount(string directory)
    {
        Directory.CreateDirectory(directory);
        ProcessRunner.Run("mount", ["-t", "tmpfs", "tmpfs", directory]);
        return directory;
    }

    public void Dispose()
    {
        MountTable.UnmountUnder(_root);
        Directory.Delete(_root, recursive: true);
    }
}
