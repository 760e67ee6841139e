using Builder.Filesystem.Patterns;
using System.Collections.Immutable;
using Builder.Frontend.Context;
using Builder.Frontend.Diagnostics;

namespace Builder.Frontend.Tests.Context;

public sealed class ContextWalkerTests : IDisposable
{
    private readonly ContextTree _tree = new ContextTree()
        .File("a.txt")
        .File("docs/README.md").File("docs/guide.md")
        .File("node_modules/pkg/index.js").File("node_modules/pkg/README.md")
        .File("src/main.go").File("src/main_test.go").File("src/lib/util.go").File("src/gen/out.go")
        .Symlink("link", "src");

    public void Dispose() => _tree.Dispose();

    private static ImmutableArray<PathPattern> Patterns(string text) => DockerignoreReader.Read(text, ".dockerignore");

    private static ImmutableArray<PathPattern> Sources(params string[] sources) =>
        [.. sources.Select(s => PathPattern.Create(s)!)];

    private string[] Walk(ContextSelection selection) => [.. ContextWalker.Walk(_tree.Root, selection).Select(e => e.Path)];

    [Fact]
    public void Walk_NoPatterns_ListsEverythingSortedWithoutFollowingSymlinks()
    {
        Assert.Equal(
            ["a.txt", "docs", "docs/README.md", "docs/guide.md", "link", "node_modules", "node_modules/pkg",
             "node_modules/pkg/README.md", "node_modules/pkg/index.js", "src", "src/gen", "src/gen/out.go",
             "src/lib", "src/lib/util.go", "src/main.go", "src/main_test.go"],
            Walk(ContextSelection.All));
    }

    [Fact]
    public void Walk_Symlink_IsReportedAsSymlink()
    {
        ContextEntry link = Assert.Single(ContextWalker.Walk(_tree.Root, ContextSelection.All), e => e.Path == "link");

        Assert.Equal(ContextEntryKind.Symlink, link.Kind);
    }

    [Fact]
    public void Walk_ExcludedDirectories_LeftOutWithEverythingInside()
    {
        var selection = new ContextSelection([], [], Patterns("node_modules\nsrc\n"));

        Assert.Equal(["a.txt", "docs", "docs/README.md", "docs/guide.md", "link"], Walk(selection));
    }

    [Fact]
    public void Walk_ReincludedFileInExcludedDirectory_IsFoundWithItsDirectory()
    {
        var selection = new ContextSelection([], [], Patterns("docs\n!docs/README.md"));

        string[] paths = Walk(selection);

        Assert.Contains("docs", paths);          // reported as the parent of what was kept, as fsutil does
        Assert.Contains("docs/README.md", paths);
        Assert.DoesNotContain("docs/guide.md", paths);
    }

    [Fact]
    public void Walk_WildcardException_ReachesIntoExcludedDirectory()
    {
        var selection = new ContextSelection([], [], Patterns("node_modules\n!**/README.md"));

        string[] paths = Walk(selection);

        Assert.Contains("node_modules/pkg/README.md", paths);
        Assert.DoesNotContain("node_modules/pkg/index.js", paths);
    }

    [Fact]
    public void Decide_ExcludedDirectoryNoExceptionInside_IsPruned()
    {
        var filter = new ContextFilter(null, new PatternMatcher(Patterns("node_modules\ndocs\n!docs/README.md")));

        Assert.Equal(FilterDecision.Prune, filter.Decide("node_modules", isDirectory: true, default, out _));
        Assert.Equal(FilterDecision.Hide, filter.Decide("docs", isDirectory: true, default, out _));
    }

    [Theory]
    [InlineData("node_modules\n!docs/README.md", false)]  // no exception can reach inside: never listed
    [InlineData("node_modules\n!**/README.md", true)]     // a wildcard exception might: listed
    public void Walk_ExcludedDirectory_ListedOnlyWhenAnExceptionCanReachInside(string dockerignore, bool listed)
    {
        var tree = new Dictionary<string, ContextEntry[]>
        {
            [""] = [new("a.txt", ContextEntryKind.File), new("node_modules", ContextEntryKind.Directory)],
            ["node_modules"] = [new("node_modules/README.md", ContextEntryKind.File)],
        };
        var listedDirectories = new List<string>();
        var filter = new ContextFilter(null, new PatternMatcher(Patterns(dockerignore)));

        ContextWalker.Walk(directory => { listedDirectories.Add(directory); return tree[directory]; }, filter);

        Assert.Equal(listed, listedDirectories.Contains("node_modules"));
    }

    [Fact]
    public void Walk_CopySelection_AppliesSourcesIgnoreAndExclude()
    {
        var selection = new ContextSelection(Sources("src"), Patterns("**/*_test.go"), Patterns("src/gen"));

        Assert.Equal(["src", "src/lib", "src/lib/util.go", "src/main.go"], Walk(selection));
    }

    [Theory]
    [InlineData("src/main.go", true)]
    [InlineData("src/main_test.go", false)]  // COPY --exclude
    [InlineData("src/gen/out.go", false)]    // .dockerignore
    [InlineData("docs/README.md", false)]    // not a source of the COPY
    public void Includes_CopySelection_CombinesAllThree(string path, bool included)
    {
        var selection = new ContextSelection(Sources("src"), Patterns("**/*_test.go"), Patterns("src/gen"));

        Assert.Equal(included, selection.Includes(path));
    }

    [Theory]
    [InlineData("src/main.go", true)]
    [InlineData("src/lib/util.go", false)]   // '*' does not cross '/'
    [InlineData("a.txt", false)]
    public void Includes_GlobSource_MatchesLikeFsutilIncludePatterns(string path, bool included)
    {
        var selection = new ContextSelection(Sources("src/*.go"), [], []);

        Assert.Equal(included, selection.Includes(path));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("/")]
    public void Includes_SourceIsContextRoot_SelectsWholeContextMinusIgnored(string source)
    {
        var selection = new ContextSelection(Sources(source, "src"), [], Patterns("docs"));

        Assert.True(selection.Includes("a.txt"));
        Assert.False(selection.Includes("docs/README.md"));
    }
}
