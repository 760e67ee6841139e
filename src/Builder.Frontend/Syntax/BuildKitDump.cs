using System.Globalization;
using System.Text;

namespace Builder.Frontend.Syntax;

/// <summary>
/// Writes a syntax tree in BuildKit's <c>Node.Dump()</c> format (one <c>(keyword ["--flags"] "arg"...)</c> line
/// per instruction), the format of BuildKit's parser test files and of <c>imgbuild parse</c>.
/// </summary>
public static class BuildKitDump
{
    /// <summary>The dump of a whole Dockerfile, one line per instruction, each ending with a newline.</summary>
    public static string Write(DockerfileSyntax dockerfile)
    {
        var text = new StringBuilder();
        foreach (InstructionSyntax instruction in dockerfile.Instructions)
        {
            text.Append('(').Append(Write(instruction)).Append(")\n");
        }
        return text.ToString();
    }

    /// <summary>The dump of one instruction, without the surrounding parentheses.</summary>
    public static string Write(InstructionSyntax instruction)
    {
        var text = new StringBuilder(instruction.Keyword.ToLowerInvariant());
        if (instruction.Flags.Length > 0)
        {
            text.Append(" [").AppendJoin(' ', instruction.Flags.Select(flag => Quote(flag.Value))).Append(']');
        }
        if (instruction.Subcommand is not null)
        {
            text.Append(" (").Append(Write(instruction.Subcommand)).Append(')');
        }
        foreach (SyntaxWord argument in instruction.Arguments)
        {
            text.Append(' ').Append(Quote(argument.Value));
        }
        return text.ToString().Trim();
    }

    /// <summary>Go's <c>strconv.Quote</c>: printable characters as they are, others escaped.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (Rune rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\a': text.Append("\\a"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\v': text.Append("\\v"); break;
                case < 0x20 or 0x7f: text.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}"); break;
                default:
                    if (IsGoPrintable(rune)) text.Append(rune.ToString());
                    else if (rune.Value < 0x10000) text.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
                    else text.Append(CultureInfo.InvariantCulture, $"\\U{rune.Value:x8}");
                    break;
            }
        }
        return text.Append('"').ToString();
    }

    // Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
    private static bool IsGoPrintable(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator => false,
        _ => true,
    };
}
