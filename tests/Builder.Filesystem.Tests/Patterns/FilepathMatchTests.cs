using Builder.Filesystem.Patterns;

namespace Builder.Filesystem.Tests.Patterns;

/// <summary>The wildcard part of a COPY source, matched with Go's <c>filepath.Match</c> rules as fsutil does.</summary>
public class FilepathMatchTests
{
    // (pattern, path, whether it matches). Rows marked "go" come from Go's path/filepath match_test.go; the rest
    // are where filepath.Match differs from the .dockerignore dialect.
    public static TheoryData<string, string, bool> Rows => new()
    {
        { "abc", "abc", true },                          // go
        { "*", "abc", true },                            // go
        { "*c", "abc", true },                           // go
        { "a*", "ab/c", false },                         // go: '*' never matches '/'
        { "a*/b", "abc/b", true },                       // go
        { "a*/b", "a/c/b", false },                      // go
        { "a*b*c*d*e*/f", "axbxcxdxexxx/f", true },      // go
        { "a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false },    // go
        { "a*b?c*x", "abxbbxdbxebxczzx", true },         // go
        { "a*b?c*x", "abxbbxdbxebxczzy", false },        // go
        { "ab[c]", "abc", true },                        // go
        { "ab[b-d]", "abc", true },                      // go
        { "ab[e-g]", "abc", false },                     // go
        { "ab[^c]", "abc", false },                      // go
        { "ab[^e-g]", "abc", true },                     // go
        { "a\\*b", "a*b", true },                        // go
        { "a\\*b", "ab", false },                        // go
        { "a?b", "a☺b", true },                          // go
        { "a???b", "a☺b", false },                       // go
        { "[a-ζ]*", "α", true },                         // go
        { "a?b", "a/b", false },                         // go
        { "[\\]a]", "]", true },                         // go
        { "[x\\-]", "-", true },                         // go
        { "[x\\-]", "z", false },                        // go
        { "**", "a", true },                             // "**" is only two stars...
        { "**", "a/b", false },                          // ...and does not cross directories
        { "!a", "!a", true },                            // '!' is no exception here
        { "a^b", "a^b", true },                          // '^' outside a class is literal
        { "\\d", "d", true },                            // an escaped letter is the letter, not a regexp class
        { "[!a]", "b", false },                          // '!' does not negate a class
        { "a.c", "abc", false },
    };

    [Theory, MemberData(nameof(Rows))]
    public void Matches_GoFilepathMatchRules(string pattern, string path, bool expected)
    {
        Assert.True(PathPattern.TryCreateFilepathMatch(pattern, out PathPattern? compiled));
        Assert.Equal(expected, compiled.Matches(path));
    }

    [Theory]
    [InlineData("[]a]")]
    [InlineData("[a-")]
    [InlineData("a\\")]
    public void TryCreateFilepathMatch_BadPattern_ReturnsFalse(string pattern) =>
        Assert.False(PathPattern.TryCreateFilepathMatch(pattern, out _));
}
