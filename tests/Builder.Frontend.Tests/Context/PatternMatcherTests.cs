using Builder.Filesystem.Patterns;
using Builder.Frontend.Context;

namespace Builder.Frontend.Tests.Context;

public class PatternMatcherTests
{
    // One row per rule: (.dockerignore text, context-relative path, whether BuildKit leaves the path out).
    // Rows marked "pm" come from moby/patternmatcher's TestMatches/TestMatch tables; the rest follow the
    // Dockerfile reference's .dockerignore section and patternmatcher's code.
    public static TheoryData<string, string, bool> Rows => new()
    {
        // plain names, '*' and '?' stay inside one path element
        { "foo", "foo", true },
        { "foo", "foo/bar/baz", true },              // a matched directory takes everything below it
        { "foo", "a/foo", false },                   // not gitignore: a name only matches at the root
        { "*.go", "main.go", true },
        { "*.go", "a/b.go", false },
        { "*", "fileutils.go", true },               // pm
        { "*", "a/b", true },                        // '*' matches the directory "a"
        { "a*", "ab/c", true },                      // pm: parent "ab" matches
        { "a*/b", "a/c/b", false },                  // pm
        { "a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false }, // pm
        { "a/*/c", "a/b/c", true },
        { "a/*/c", "a/b/x/c", false },
        { "a/*/c", "a/c", false },
        { "a/*/c", "a/b/c/d", true },
        { "abc?def", "abcZdef", true },              // pm
        { "abc?def", "abcdef", false },              // pm
        { "a?b", "a/b", false },                     // pm
        { "a*b", "a/b", false },                     // pm
        { ".*", ".foo", true },                      // pm
        { ".*", "foo", false },                      // pm
        { "abc.def", "abcdef", false },              // pm: '.' is literal
        { "a(b)c/def", "a(b)c/def", true },          // pm
        { "a.|)$(}+{bc", "a.|)$(}+{bc", true },      // pm
        { "dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true }, // pm
        // "**": any number of directories, including none
        { "**", "file", true },                      // pm
        { "**", "dir/file/", true },                 // pm
        { "**/", "file", true },                     // pm: cleaned to "**"
        { "**/**", "dir/file", true },               // pm
        { "**/*.go", "main.go", true },
        { "**/*.go", "a/b/c.go", true },
        { "**/**/*.txt2", "dir/dir/file.txt", false }, // pm
        { "**/dir", "dir", true },                   // pm
        { "**/dir", "dir/file", true },              // pm
        { "**/dir2/*", "dir/dir2/file", true },      // pm
        { "**/foo/bar", "dir/dir2/foo/bar", true },  // pm
        { "**/.foo", "bar.foo", false },             // pm
        { "**file", "dir/dir/file", true },          // pm
        { "**foo", "xfoo", true },                   // a leading "**" is a plain suffix test
        { "a**/*.txt", "a/dir/dir/file.txt", true }, // pm
        { "a/*.txt**", "a/file.txt", true },         // pm
        { "dir/**", "dir/file", true },              // pm
        { "dir/**", "dir/dir2/file", true },         // pm
        { "dir/**", "dir", false },                  // pm: "dir/**" is the prefix "dir/", not "dir"
        { "dir**", "dirt", true },                   // a trailing "**" is a plain prefix test
        { "dir/**/x", "dir/x", true },
        { "dir/**/x", "dir/a/b/x", true },
        // character classes and escapes
        { "a[b-d]e", "ace", true },                  // pm
        { "a[b-d]e", "aae", false },                 // pm
        { "a[b-d]e", "ae", false },                  // pm
        { "a[^b-d]e", "aze", true },                 // pm
        { "ab[^c]", "abc", false },                  // pm
        { "[a-c]", "b", true },
        { "[a-c]", "d", false },
        { @"[\]a]", "]", true },                     // pm
        { @"[x\-]", "-", true },                     // pm
        { @"[\-x]", "a", false },                    // pm
        { "[!a]x", "!x", true },                     // '!' does not negate a class; only '^' does
        { "[!a]x", "bx", false },
        { "[a-ζ]*", "α", true },                     // pm
        { "*[a-ζ]", "A", false },                    // pm
        { @"a\*b", "a*b", true },                    // pm
        { @"a\*b", "ab", false },                    // pm
        { @"a\\", @"a\", true },                     // pm
        { @"file\[1\].txt", "file[1].txt", true },
        { "a?b", "a☺b", true },                      // pm: '?' is one character, not one byte
        { "a???b", "a☺b", false },                   // pm
        { "a?b", "a😀b", true },                     // one character outside the BMP is still one '?'
        { "a??b", "a😀b", false },
        // patternmatcher hands classes and escapes to Go's regexp package, so RE2's rules apply
        { "[[:digit:]]x", "5x", true },              // a POSIX class
        { @"v\d", "v5", true },                      // '\d' is a digit, not 'd'
        { @"v\d", "vd", false },
        { "a[*]", "a]", true },                      // '[*]' becomes the regexp class "[[^/]" then "*]"
        { "a[*]", "a*", false },
        // later patterns override earlier ones; '!' re-includes
        { "*.md\n!README.md", "README.md", false },
        { "!README.md\n*.md", "README.md", true },
        { "docs\n!docs/README.md", "docs/README.md", false },  // pm: re-included inside an excluded dir
        { "docs\n!docs/README.md", "docs/other.md", true },
        { "docs/\n!docs/README.md", "docs/README.md", false }, // pm: trailing slash is cleaned away
        { "docs/*\n!docs/README.md", "docs/README.md", false }, // pm
        { "*.go\n!fileutils.go", "fileutils.go", false },      // pm
        { "!fileutils.go\n*.go", "fileutils.go", true },       // pm
        { "**\n!*.go", "a/b.go", true },             // the exception "*.go" only reaches the root
        { "**\n!util/docker/web", "util/docker/web/foo", false }, // pm
        { "**\n!util/docker/web\nutil/docker/web/foo", "util/docker/web/foo", true }, // pm
        { "**\n!dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false }, // pm
        // cleaning of patterns by the .dockerignore reader
        { "dir/", "dir/file", true },
        { "./foo", "foo", true },
        { "foo/./bar", "foo/bar", true },
        { "foo//bar", "foo/bar", true },
        { "foo/../bar", "bar", true },
        { "foo/../bar", "foo", false },
        { "../foo", "foo", false },                  // a relative pattern keeps its leading ".."
        { "/foo", "foo", true },                     // absolute means relative to the context root
        { "/foo", "a/foo", false },
        { "/../foo", "foo", true },                  // ".." above the root is dropped
        { "foo   ", "foo", true },                   // whitespace is trimmed
        { "*\n!  keep.txt", "keep.txt", false },     // also after the '!'
        { "#foo", "#foo", false },                   // a comment
        { " #foo", "#foo", true },                   // not a comment: '#' must be in column 1
    };

    [Theory, MemberData(nameof(Rows))]
    public void MatchesUsingParentResults_DockerignoreRow_ExcludesAsBuildKit(string dockerignore, string path, bool excluded)
    {
        PatternMatcher matcher = new(DockerignoreReader.Read(dockerignore, ".dockerignore"));

        // As fsutil's walker asks: each parent directory first, its results handed down.
        MatchInfo parent = default;
        string directory = Path.GetDirectoryName(path)?.Replace('\\', '/') ?? "";
        if (directory.Length > 0)
        {
            string[] parts = directory.Split('/');
            for (int i = 0; i < parts.Length; i++)
                matcher.MatchesUsingParentResults(string.Join('/', parts, 0, i + 1), parent, out parent);
        }

        Assert.Equal(excluded, matcher.MatchesUsingParentResults(path, parent, out _));
    }

    [Theory, MemberData(nameof(Rows))]
    public void MatchesOrParentMatches_DockerignoreRow_ExcludesAsBuildKit(string dockerignore, string path, bool excluded)
    {
        PatternMatcher matcher = new(DockerignoreReader.Read(dockerignore, ".dockerignore"));

        Assert.Equal(excluded, matcher.MatchesOrParentMatches(path));
    }

    [Fact]
    public void MatchesUsingParentResults_ExceptionSkippedForParent_StaysExcluded()
    {
        // "!a" is skipped for "a" (nothing matched it yet), so the walker does not count it as matching "a";
        // for "a/b/c" it is tried on "a/b/c" alone. MatchesOrParentMatches would re-include "a/b/c".
        PatternMatcher matcher = new(DockerignoreReader.Read("a/b\n!a", ".dockerignore"));
        matcher.MatchesUsingParentResults("a", default, out MatchInfo a);
        matcher.MatchesUsingParentResults("a/b", a, out MatchInfo ab);

        Assert.True(matcher.MatchesUsingParentResults("a/b/c", ab, out _));
        Assert.False(matcher.MatchesOrParentMatches("a/b/c"));
    }

    [Fact]
    public void MatchesExact_ParentMatches_DoesNotCount()
    {
        PatternMatcher matcher = new(DockerignoreReader.Read("**/dir", ".dockerignore"));

        Assert.False(matcher.MatchesExact("dir/file"));
    }

    [Theory]
    [InlineData("node_modules\ndocs\n!docs/README.md", "node_modules", true)]
    [InlineData("node_modules\ndocs\n!docs/README.md", "docs", false)]      // an exception lies inside
    [InlineData("build\n!build/out/**", "build", false)]                     // "/**" is cut before comparing
    [InlineData("build\n!keep/*", "build", true)]                            // "/*" too; "keep" is elsewhere
    [InlineData("node_modules\n!**/*.md", "node_modules", false)]            // a wildcard exception: walk all
    [InlineData("node_modules\n!file?.txt", "node_modules", false)]
    [InlineData("node_modules", "node_modules", true)]
    public void CanSkipExcludedDirectory_Exceptions_FollowsFsutil(string dockerignore, string directory, bool canSkip)
    {
        PatternMatcher matcher = new(DockerignoreReader.Read(dockerignore, ".dockerignore"));

        Assert.Equal(canSkip, matcher.CanSkipExcludedDirectory(directory));
    }
}
