namespace Builder.Frontend.Syntax;

/// <summary>
/// A word of an instruction after the parser's splitting (quotes kept or removed as BuildKit's parser does for
/// that instruction), with where it stands in <see cref="InstructionSyntax.Text"/> so errors can point at it.
/// </summary>
/// <param name="Value">The word.</param>
/// <param name="Offset">0-based offset of the word's first character in the instruction's joined text.</param>
/// <param name="Length">How many characters of the joined text the word covers.</param>
public sealed record SyntaxWord(string Value, int Offset, int Length)
{
    /// <inheritdoc />
    public override string ToString() => Value;
}
