namespace Builder.Filesystem.Patterns;

/// <summary>
/// Which patterns of a <see cref="PatternMatcher"/> matched a directory, handed down to its children while
/// walking (patternmatcher's <c>MatchInfo</c>). The default value means "nothing known about the parent".
/// </summary>
internal readonly struct MatchInfo
{
    private readonly bool[]? _matched;

    internal MatchInfo(bool[] matched) => _matched = matched;

    /// <summary>Whether this carries results (the default value does not).</summary>
    public bool IsKnown => _matched is not null;

    internal bool this[int patternIndex] => _matched![patternIndex];
}
