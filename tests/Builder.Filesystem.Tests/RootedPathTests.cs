namespace Builder.Filesystem.Tests;

/// <summary>The one secure path join: securejoin's lenient form for container paths, the strict form for layers.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RootedPathTests : IDisposable
{
    private readonly string _outside = Directory.CreateTempSubdirectory("imgbuild-rooted-").FullName;
    private readonly string _root;

    public RootedPathTests()
    {
        _root = Directory.CreateDirectory(Path.Combine(_outside, "root")).FullName;
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.WriteAllText(Path.Combine(_root, "etc", "file"), "inside");
        File.CreateSymbolicLink(Path.Combine(_root, "abs"), "/etc");
        File.CreateSymbolicLink(Path.Combine(_root, "up"), "../../..");
        File.CreateSymbolicLink(Path.Combine(_root, "loop"), "loop");
    }

    private string Inside(string relative) => Path.Join(_root, relative);

    [Theory]
    [InlineData("/abs/file", "etc/file")]         // an absolute link target is taken from the root
    [InlineData("up/etc", "etc")]                  // '..' in a link stops at the root
    [InlineData("/../../etc/./file", "etc/file")]  // so does a written '..'
    [InlineData("/missing/../x", "x")]
    [InlineData("/", "")]
    public void Resolve_StaysInsideTheRoot(string path, string expected) =>
        Assert.Equal(expected.Length == 0 ? _root : Inside(expected), RootedPath.Resolve(_root, path));

    [Fact]
    public void Resolve_InAView_DoesNotFollowALinkTheViewHides()
    {
        // "abs" links to /etc; hidden from the view, it is a missing component, joined as written and not followed.
        Assert.Equal(Inside("abs/file"), RootedPath.Resolve(_root, "/abs/file", path => path != "abs"));
        Assert.Equal(Inside("etc/file"), RootedPath.Resolve(_root, "/abs/file", path => path is "abs" or "etc" or "etc/file"));
    }

    [Fact]
    public void Resolve_LinkLoop_Throws() =>
        Assert.Throws<RootedPathException>(() => RootedPath.Resolve(_root, "/loop/x"));

    [Fact]
    public void TryResolveDirectory_LinkClimbingOut_IsAnError()
    {
        var e = Assert.Throws<RootedPathException>(() => RootedPath.TryResolveDirectory(_root, ["up", "x"], created: null, out _));
        Assert.Contains("outside the root", e.Message);
    }

    [Fact]
    public void TryResolveDirectory_ThroughAFile_IsAnError() =>
        Assert.Throws<RootedPathException>(() => RootedPath.TryResolveDirectory(_root, ["etc", "file", "x"], created: null, out _));

    [Fact]
    public void TryResolveDirectory_Missing_IsFalseOrCreated0755()
    {
        Assert.False(RootedPath.TryResolveDirectory(_root, ["abs", "new"], created: null, out _));

        var made = new List<string>();
        Assert.True(RootedPath.TryResolveDirectory(_root, ["abs", "new", "deeper"], made.Add, out string directory));

        Assert.Equal(Inside("etc/new/deeper"), directory);
        Assert.Equal([Inside("etc/new"), Inside("etc/new/deeper")], made);
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(Inside("etc/new")));
    }

    public void Dispose() => Directory.Delete(_outside, recursive: true);
}
