using Builder.Filesystem.Patterns;

namespace Builder.Filesystem.Tests.Patterns;

/// <summary>What a COPY source with wildcards names, as fsutil's <c>ResolveWildcards</c> finds it.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SourceWildcardsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-wildcards-").FullName;

    public SourceWildcardsTests()
    {
        foreach (string file in new[] { "a/x.txt", "a/y.md", "b/x.txt", "b/c/x.txt", "top.txt" })
        {
            string path = Path.Combine(_root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file);
        }
        File.CreateSymbolicLink(Path.Combine(_root, "linked"), "b");
    }

    [Theory]
    [InlineData("/*/x.txt", "a/x.txt,b/x.txt")]            // each component matched on its own, in name order
    [InlineData("*", "a,b,linked,top.txt")]                 // a matching directory is kept whole
    [InlineData("/b/*", "b/c,b/x.txt")]
    [InlineData("./a/../b/*.txt", "b/x.txt")]               // cleaned first
    [InlineData("/linked/*.txt", "linked/x.txt")]            // a link before the first wildcard is followed
    [InlineData("/*/*/x.txt", "b/c/x.txt")]                 // but not one after it: linked/c/x.txt is not found
    [InlineData("/none*", "")]
    public void Resolve_Wildcard_GivesMatchesRelativeToTheRoot(string source, string expected) =>
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries),
                     SourceWildcards.Resolve(_root, source, followLinks: true));

    [Fact]
    public void Resolve_NoWildcard_GivesThePathEvenWhenMissing() =>
        Assert.Equal(["missing/file"], SourceWildcards.Resolve(_root, "/missing//file", followLinks: true));

    [Theory]
    [InlineData("a\\*b", false)]
    [InlineData("a[b", true)]
    [InlineData("a?", true)]
    public void ContainsWildcards_SkipsEscapedCharacters(string path, bool expected) =>
        Assert.Equal(expected, SourceWildcards.ContainsWildcards(path));

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
