namespace Builder.Filesystem.Patterns;

/// <summary>
/// The syntax check patternmatcher runs on every pattern: it calls Go's <c>filepath.Match(pattern, ".")</c> only
/// for its error, and since Go 1.16 <c>Match</c> checks the whole pattern even when the match fails early.
/// </summary>
internal static class GoGlobSyntax
{
    /// <summary>Finds the first syntax error of <paramref name="pattern"/>, as <c>filepath.Match</c> on Linux would.</summary>
    /// <returns>Whether the pattern is well formed; when not, <paramref name="problem"/> says why.</returns>
    public static bool TryValidate(string pattern, out string problem)
    {
        int i = 0;
        while (i < pattern.Length)
        {
            char c = pattern[i];
            if (c == '\\')
            {
                // A '\' escapes the next character; a trailing '\' has nothing to escape.
                if (i + 1 >= pattern.Length)
                {
                    problem = "it ends with a '\\' that escapes nothing";
                    return false;
                }
                i += 2;
            }
            else if (c == '[')
            {
                if (!TryValidateClass(pattern, ref i, out problem))
                    return false;
            }
            else
                i++;
        }
        problem = "";
        return true;
    }

    // filepath.Match's character class: '[' ['^'] range+ ']' where range is lo or lo '-' hi, and lo/hi are a
    // character other than '-' and ']' or a '\'-escaped character. ']' only ends the class after one range.
    private static bool TryValidateClass(string pattern, ref int i, out string problem)
    {
        int start = i;
        i++;
        if (i < pattern.Length && pattern[i] == '^')
            i++;
        int ranges = 0;
        while (true)
        {
            if (i < pattern.Length && pattern[i] == ']' && ranges > 0)
            {
                i++;
                problem = "";
                return true;
            }
            if (!TryReadClassChar(pattern, ref i, start, out problem))
                return false;
            if (pattern[i] == '-')
            {
                i++;
                if (!TryReadClassChar(pattern, ref i, start, out problem))
                    return false;
            }
            ranges++;
        }
    }

    // Go's getEsc: one (possibly escaped) character, which must be followed by more pattern text.
    private static bool TryReadClassChar(string pattern, ref int i, int classStart, out string problem)
    {
        if (i >= pattern.Length)
            return Fail($"the character class starting at '{pattern[classStart..]}' has no closing ']'", out problem);
        if (pattern[i] == '-' || pattern[i] == ']')
            return Fail($"'{pattern[i]}' must be escaped as '\\{pattern[i]}' where it stands in '{pattern[classStart..]}'",
                        out problem);
        if (pattern[i] == '\\')
        {
            i++;
            if (i >= pattern.Length)
                return Fail($"the character class starting at '{pattern[classStart..]}' has no closing ']'", out problem);
        }
        i += char.IsHighSurrogate(pattern[i]) && i + 1 < pattern.Length && char.IsLowSurrogate(pattern[i + 1]) ? 2 : 1;
        if (i >= pattern.Length)
            return Fail($"the character class starting at '{pattern[classStart..]}' has no closing ']'", out problem);
        problem = "";
        return true;
    }

    private static bool Fail(string message, out string problem)
    {
        problem = message;
        return false;
    }
}
