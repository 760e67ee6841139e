namespace Builder.Filesystem.Patterns;

/// <summary>
/// The diagnostic codes of the build context (<c>.dockerignore</c> and the patterns that select context files).
/// Every IB2xxx code the Patterns namespace raises is listed here and nowhere else.
/// </summary>
public static class PatternErrorCodes
{
    /// <summary>IB2001: a pattern BuildKit rejects as malformed (<c>filepath.ErrBadPattern</c>, or a regexp that
    /// Go's regexp package cannot compile), e.g. <c>[a-</c>, a trailing <c>\</c>, <c>[z-a]</c>.</summary>
    public const string InvalidPattern = "IB2001";

    /// <summary>IB2002: an exception pattern with nothing after the <c>!</c> (patternmatcher:
    /// <c>illegal exclusion pattern: "!"</c>). <c>!/</c> also ends up here, because it cleans to <c>!</c>.</summary>
    public const string EmptyExceptionPattern = "IB2002";

    /// <summary>IB2003: a <c>.dockerignore</c> line longer than Go's <c>bufio.Scanner</c> accepts (64 KiB), which
    /// makes BuildKit fail with <c>token too long</c>.</summary>
    public const string LineTooLong = "IB2003";

    /// <summary>IB1900 (shared with the rest of the frontend): a pattern whose meaning depends on a Go regexp
    /// feature we do not reproduce yet (octal, hex and Unicode-class escapes, <c>\Q</c>, <c>\b</c>, negated POSIX
    /// classes, characters outside the BMP inside a <c>[...]</c> class).</summary>
    public const string NotSupported = "IB1900";
}
