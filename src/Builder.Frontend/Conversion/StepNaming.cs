using System.Globalization;
using Builder.Frontend.Expansion;
using Builder.Frontend.Instructions;

namespace Builder.Frontend.Conversion;

/// <summary>
/// The progress names of one stage's steps, as BuildKit names its vertexes (dockerfile2llb/convert.go,
/// <c>prefixCommand</c>): <c>[stage n/m] INSTRUCTION</c>, the instruction's variables expanded and its keyword in upper
/// case. <c>m</c> counts the stage's FROM of an image and its ADD, COPY, RUN and WORKDIR instructions (plus every
/// ONBUILD trigger it runs, as BuildKit counts them); <c>n</c> is right-aligned to the width of <c>m</c>
/// (<c>[ 1/12]</c>). A Dockerfile of one stage has no stage name in the prefix; an unnamed stage is <c>stage-i</c>.
/// </summary>
internal sealed class StepNaming
{
    private readonly string? _stageName;
    private readonly Dictionary<Instruction, string> _names = new(ReferenceEqualityComparer.Instance);
    private int _index;

    /// <param name="stageName">The stage's name in the prefix, or null for none.</param>
    /// <param name="total">How many numbered steps the stage has.</param>
    public StepNaming(string? stageName, int total) => (_stageName, Total) = (stageName, total);

    /// <summary>How many numbered steps the stage has (ONBUILD triggers are added once known).</summary>
    public int Total { get; set; }

    /// <summary>Whether the instructions now being named are a base image's ONBUILD triggers.</summary>
    public bool InOnbuild { get; set; }

    /// <summary>Whether BuildKit numbers a step for <paramref name="instruction"/>.</summary>
    public static bool IsNumbered(Instruction instruction) => instruction is CopyInstruction or AddInstruction or RunInstruction or WorkdirInstruction;

    /// <summary>The name of the stage's FROM of an image (<paramref name="image"/> with its digest when resolved).</summary>
    public string From(string image) => Prefix() + "FROM " + image;

    /// <summary>
    /// The name of <paramref name="instruction"/>'s step, numbered on first use (a COPY's several steps share it).
    /// A RUN keeps its quotes and the variables that are not set (BuildKit's RawQuotes and SkipUnsetEnv); the other
    /// instructions are expanded as their arguments are. Text that cannot be expanded is shown as written.
    /// </summary>
    public string Of(Instruction instruction, ShellLexer lexer, IReadOnlyDictionary<string, string> environment)
    {
        if (_names.TryGetValue(instruction, out string? name)) return name;
        string text = instruction.Syntax.Text.Trim();
        ShellLexer expanding = instruction is RunInstruction
            ? new ShellLexer(lexer.EscapeCharacter, lexer.Options with { RawQuotes = true, SkipUnsetEnv = true })
            : lexer;
        try
        {
            text = expanding.ProcessWord(text, environment);
        }
        catch (ShellExpansionException)
        {
            // processCmdEnv: an error leaves the command as written.
        }
        // uppercaseCmd: the first word, the keyword, in upper case.
        int space = text.IndexOf(' ', StringComparison.Ordinal);
        text = space < 0 ? text.ToUpperInvariant() : text[..space].ToUpperInvariant() + text[space..];
        name = Prefix() + (InOnbuild && Total > 0 ? "ONBUILD " : "") + text;
        _names[instruction] = name;
        return name;
    }

    private string Prefix()
    {
        if (Total == 0) return "";
        _index++;
        int width = 1 + (int)Math.Log10(Total);
        string number = _index.ToString(CultureInfo.InvariantCulture).PadLeft(width);
        return "[" + (_stageName is null ? "" : _stageName + " ") + number + "/" + Total.ToString(CultureInfo.InvariantCulture) + "] ";
    }
}
