namespace Builder.Filesystem.Patterns;

/// <summary>
/// One filtering pass over a tree, as tonistiigi/fsutil's <c>FilterFS</c> does it with a <c>FilterOpt</c>:
/// include patterns (a path is kept only if one matches it or a parent) and exclude patterns (a path is dropped
/// if they match it or a parent, unless a later <c>!</c> exception re-includes it). The context transfer of a
/// build is one such pass: the COPY sources as includes, the <c>.dockerignore</c> patterns as excludes.
/// </summary>
internal sealed class ContextFilter
{
    /// <summary>A filter that keeps everything.</summary>
    public static readonly ContextFilter All = new(null, null);

    /// <summary>A filter over the given matchers; <see langword="null"/> or an empty matcher means no such filter.</summary>
    public ContextFilter(PatternMatcher? include, PatternMatcher? exclude)
    {
        // fsutil only builds an include matcher when there is at least one include pattern.
        Include = include is { Patterns.Length: > 0 } ? include : null;
        Exclude = exclude is { Patterns.Length: > 0 } ? exclude : null;
    }

    /// <summary>The include patterns, or <see langword="null"/> when every path is a candidate.</summary>
    public PatternMatcher? Include { get; }

    /// <summary>The exclude patterns, or <see langword="null"/> when nothing is excluded.</summary>
    public PatternMatcher? Exclude { get; }

    /// <summary>
    /// Decides about one entry given what its parent directory's patterns matched (default for an entry at the
    /// context root), following fsutil's walk: includes first, and a directory that no include pattern can reach
    /// into is pruned before the excludes are looked at; then the excludes, where a matched directory is pruned
    /// only if <see cref="PatternMatcher.CanSkipExcludedDirectory"/> proves no exception reaches into it.
    /// </summary>
    /// <param name="path">The entry, relative to the root, <c>/</c>-separated and cleaned.</param>
    /// <param name="isDirectory">Whether it is a directory (a symlink to one is not).</param>
    /// <param name="parent">The parent directory's <paramref name="state"/>.</param>
    /// <param name="state">What to pass to the children of this entry, when it is a directory.</param>
    public FilterDecision Decide(string path, bool isDirectory, FilterState parent, out FilterState state)
    {
        bool hide = false;
        MatchInfo include = default;
        if (Include is not null)
        {
            if (!Include.MatchesUsingParentResults(path, parent.Include, out include))
            {
                if (isDirectory && Include.CanSkipUnincludedDirectory(path))
                {
                    state = default;
                    return FilterDecision.Prune;
                }
                hide = true;
            }
        }
        MatchInfo exclude = default;
        if (Exclude is not null)
        {
            if (Exclude.MatchesUsingParentResults(path, parent.Exclude, out exclude))
            {
                if (isDirectory && Exclude.CanSkipExcludedDirectory(path))
                {
                    state = default;
                    return FilterDecision.Prune;
                }
                hide = true;
            }
        }
        state = new FilterState(include, exclude);
        return hide ? FilterDecision.Hide : FilterDecision.Keep;
    }

    /// <summary>
    /// Whether a walk would keep <paramref name="path"/> itself: its parent directories are decided first, as
    /// the walker would, and a pruned parent means the path is never reached. (The walker also reports a hidden
    /// directory when something inside it is kept; this answers for the path alone.)
    /// </summary>
    public bool Includes(string path)
    {
        if (Include is null && Exclude is null)
            return true;
        FilterState state = default;
        int slash = path.IndexOf('/');
        while (slash >= 0)
        {
            if (Decide(path[..slash], isDirectory: true, state, out state) == FilterDecision.Prune)
                return false;
            slash = path.IndexOf('/', slash + 1);
        }
        return Decide(path, isDirectory: false, state, out _) == FilterDecision.Keep;
    }
}
