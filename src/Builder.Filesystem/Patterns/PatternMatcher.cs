using System.Collections.Immutable;

namespace Builder.Filesystem.Patterns;

/// <summary>
/// An ordered list of patterns where later patterns override earlier ones and <c>!</c> exceptions re-include
/// paths, with moby/patternmatcher's three ways of asking about a path. Paths are context-relative, use
/// <c>/</c>, and are not cleaned here (patternmatcher does not clean them either).
/// </summary>
internal sealed class PatternMatcher
{
    // fsutil's patternChars on Linux: a pattern containing one of these (after a trailing "/**" or "/*" is cut
    // off) is not a plain path prefix, so the walker cannot prove which directories it reaches into.
    private const string WildcardChars = @"*[]?^\";

    /// <summary>A matcher over <paramref name="patterns"/>, in the order written.</summary>
    public PatternMatcher(IEnumerable<PathPattern> patterns)
    {
        Patterns = [.. patterns];
        HasExceptions = Patterns.Any(p => p.IsException);
        ExceptionsArePrefixes = !Patterns.Any(p => p.IsException && IsWildcard(p));
        InclusionsArePrefixes = !Patterns.Any(p => !p.IsException && IsWildcard(p));
    }

    /// <summary>The patterns, blank ones left out.</summary>
    public ImmutableArray<PathPattern> Patterns { get; }

    /// <summary>Whether any pattern is a <c>!</c> exception (patternmatcher's <c>Exclusions()</c>).</summary>
    public bool HasExceptions { get; }

    /// <summary>Whether every exception is a plain path, perhaps ending in <c>/**</c> or <c>/*</c> (fsutil's
    /// <c>onlyPrefixExcludeExceptions</c>).</summary>
    public bool ExceptionsArePrefixes { get; }

    /// <summary>Whether every non-exception pattern is a plain path, perhaps ending in <c>/**</c> or <c>/*</c>
    /// (fsutil's <c>onlyPrefixIncludes</c>).</summary>
    public bool InclusionsArePrefixes { get; }

    /// <summary>
    /// patternmatcher's <c>MatchesOrParentMatches</c>: the last pattern that matches the path, or one of its
    /// parent directories, decides. A pattern is only tried when it could change the answer: a normal pattern
    /// while the path is not matched yet, an exception once it is.
    /// </summary>
    public bool MatchesOrParentMatches(string path)
    {
        bool matched = false;
        string parent = GoPath.Dir(path);
        string[] parentDirs = parent.Split('/');
        foreach (PathPattern pattern in Patterns)
        {
            if (pattern.IsException != matched)
                continue;
            bool match = pattern.Matches(path);
            if (!match && parent != ".")
                match = MatchesAnyParent(pattern, parentDirs);
            if (match)
                matched = !pattern.IsException;
        }
        return matched;
    }

    /// <summary>patternmatcher's <c>MatchesExact</c>: like <see cref="MatchesOrParentMatches"/> without parents.</summary>
    public bool MatchesExact(string path)
    {
        bool matched = false;
        foreach (PathPattern pattern in Patterns)
        {
            if (pattern.IsException != matched)
                continue;
            if (pattern.Matches(path))
                matched = !pattern.IsException;
        }
        return matched;
    }

    /// <summary>
    /// patternmatcher's <c>MatchesUsingParentResults</c>, which fsutil's walker uses. A pattern that matched the
    /// parent directory matches the child; otherwise the pattern is tried on the child's own path only (and on
    /// its parents too when <paramref name="parent"/> is unknown). A pattern skipped for the parent (it could not
    /// change the parent's answer) counts as not matching it, which is why this can differ from
    /// <see cref="MatchesOrParentMatches"/>: with <c>a/b</c> then <c>!a</c>, <c>a/b/c</c> stays excluded here.
    /// </summary>
    public bool MatchesUsingParentResults(string path, MatchInfo parent, out MatchInfo result)
    {
        bool matched = false;
        bool[] results = new bool[Patterns.Length];
        string[]? parentDirs = null;
        for (int i = 0; i < Patterns.Length; i++)
        {
            PathPattern pattern = Patterns[i];
            bool match = parent.IsKnown && parent[i];
            if (!match)
            {
                if (pattern.IsException != matched)
                    continue;
                match = pattern.Matches(path);
                if (!match && !parent.IsKnown)
                {
                    string parentPath = GoPath.Dir(path);
                    if (parentPath != ".")
                        match = MatchesAnyParent(pattern, parentDirs ??= parentPath.Split('/'));
                }
            }
            results[i] = match;
            if (match)
                matched = !pattern.IsException;
        }
        result = new MatchInfo(results);
        return matched;
    }

    /// <summary>
    /// fsutil's rule for skipping a whole directory that these patterns exclude: only when every exception is a
    /// plain path and none of them lies at or below <paramref name="directory"/> (compared as text, after cutting
    /// a trailing <c>/**</c> or <c>/*</c>). One wildcard exception anywhere means every excluded directory is
    /// walked, so that the exception can re-include a file deep inside.
    /// </summary>
    public bool CanSkipExcludedDirectory(string directory) =>
        ExceptionsArePrefixes && !AnyPatternAtOrBelow(directory, exceptions: true);

    /// <summary>
    /// fsutil's rule for skipping a directory that these include patterns do not match: only when every include
    /// pattern is a plain path and none of them lies at or below <paramref name="directory"/>.
    /// </summary>
    public bool CanSkipUnincludedDirectory(string directory) =>
        InclusionsArePrefixes && !AnyPatternAtOrBelow(directory, exceptions: false);

    private bool AnyPatternAtOrBelow(string directory, bool exceptions)
    {
        string directoryWithSlash = directory + "/";
        foreach (PathPattern pattern in Patterns)
        {
            if (pattern.IsException == exceptions
                && (WithoutTrailingGlob(pattern.Text) + "/").StartsWith(directoryWithSlash, StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    private static bool MatchesAnyParent(PathPattern pattern, string[] parentDirs)
    {
        for (int i = 0; i < parentDirs.Length; i++)
        {
            if (pattern.Matches(string.Join('/', parentDirs, 0, i + 1)))
                return true;
        }
        return false;
    }

    private static bool IsWildcard(PathPattern pattern) => WithoutTrailingGlob(pattern.Text).AsSpan().ContainsAny(WildcardChars);

    // fsutil's patternWithoutTrailingGlob: cut one "/**", then one "/*".
    private static string WithoutTrailingGlob(string pattern)
    {
        if (pattern.EndsWith("/**", StringComparison.Ordinal))
            pattern = pattern[..^3];
        if (pattern.EndsWith("/*", StringComparison.Ordinal))
            pattern = pattern[..^2];
        return pattern;
    }
}
