using Builder.Graph;
using Builder.Solver.Ops;

namespace Builder.Solver.Tests.Ops;

/// <summary>--chown names and ids resolved as BuildKit's file operations resolve them.</summary>
public sealed class FileOwnerResolverTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-owner-").FullName;

    private void Write(string relative, string content)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    [Theory]
    [InlineData("1000", null, 1000u, 1000u)]
    [InlineData("1000", "20", 1000u, 20u)]
    [InlineData("root", null, 0u, 0u)]
    [InlineData("root", "root", 0u, 0u)]
    [InlineData("7", "", 7u, 0u)]
    public void Resolve_IdsAndRoot_NeedNoPasswdFile(string user, string? group, uint uid, uint gid) =>
        Assert.Equal((uid, gid), FileOwnerResolver.Resolve(new FileOwner(user, group), _root));

    // The Dockerfile reference says this fails; BuildKit v0.24 builds it with root (parity case copy-chown-name-no-passwd).
    [Fact]
    public void Resolve_NamesWithoutPasswdOrGroupFile_AreRoot()
    {
        Assert.Equal((0u, 0u), FileOwnerResolver.Resolve(new FileOwner("app"), _root));
        Assert.Equal((1000u, 1000u), FileOwnerResolver.Resolve(new FileOwner("1000", "staff"), _root)); // the group stays the uid
    }

    [Fact]
    public void Resolve_NamesMissingFromExistingFiles_AreRoot()
    {
        Write("etc/passwd", "app:x:1000:1000::/home/app:/bin/sh\n");
        Write("etc/group", "staff:x:50:\n");

        Assert.Equal((0u, 0u), FileOwnerResolver.Resolve(new FileOwner("nobody-here"), _root));
        Assert.Equal((1000u, 1000u), FileOwnerResolver.Resolve(new FileOwner("app", "no-such-group"), _root));
        Assert.Equal((1000u, 50u), FileOwnerResolver.Resolve(new FileOwner("app", "staff"), _root));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
