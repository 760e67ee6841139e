namespace Builder.Filesystem.Patterns;

/// <summary>What a directory's include and exclude patterns matched, handed to its children while walking.</summary>
/// <param name="Include">The include patterns' results; default when unknown.</param>
/// <param name="Exclude">The exclude patterns' results; default when unknown.</param>
internal readonly record struct FilterState(MatchInfo Include, MatchInfo Exclude);
