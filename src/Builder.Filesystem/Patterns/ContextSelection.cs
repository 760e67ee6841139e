using System.Collections.Immutable;

namespace Builder.Filesystem.Patterns;

/// <summary>
/// The part of the build context one COPY reads, so that only it is hashed and sent. BuildKit filters twice:
/// the context transfer keeps the COPY's sources (<c>llb.FollowPaths</c>, which fsutil matches as include
/// patterns) minus the <c>.dockerignore</c> patterns; then the copy itself drops its <c>--exclude</c> patterns.
/// A path is selected when both passes keep it.
/// </summary>
internal sealed class ContextSelection
{
    /// <summary>Everything in the context.</summary>
    public static readonly ContextSelection All = new([], [], []);

    /// <summary>A selection of the context.</summary>
    /// <param name="include">The COPY's sources as context-relative patterns (globs allowed); empty, or a source
    /// that is the context root (<c>.</c> or <c>/</c>), means the whole context, as in BuildKit.</param>
    /// <param name="exclude">The COPY's <c>--exclude</c> patterns, context-relative.</param>
    /// <param name="ignore">The <c>.dockerignore</c> patterns.</param>
    public ContextSelection(ImmutableArray<PathPattern> include, ImmutableArray<PathPattern> exclude,
                            ImmutableArray<PathPattern> ignore)
    {
        // BuildKit's normalizeContextPaths drops all follow paths when one source is the context root
        // ("COPY . /app"), so the whole context is sent; "." and "/" would otherwise match nothing.
        if (include.Any(p => !p.IsException && p.Text is "." or "/"))
            include = [];
        Transfer = new ContextFilter(new PatternMatcher(include), new PatternMatcher(ignore));
        Copy = new ContextFilter(null, new PatternMatcher(exclude));
    }

    /// <summary>The first pass: what the context transfer sends.</summary>
    public ContextFilter Transfer { get; }

    /// <summary>The second pass: what the copy takes of what was sent.</summary>
    public ContextFilter Copy { get; }

    /// <summary>Whether <paramref name="path"/> (context-relative, <c>/</c>-separated, cleaned) is read.</summary>
    public bool Includes(string path) => Transfer.Includes(path) && Copy.Includes(path);
}
