using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary>
/// <c>ONBUILD instruction</c>: a trigger stored in the image and run when another build uses it as a base.
/// </summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Trigger">The instruction to run later, checked now.</param>
public sealed record OnbuildInstruction(InstructionSyntax Syntax, Instruction Trigger) : Instruction(Syntax)
{
    /// <summary>
    /// The trigger as it is stored in the image config: the instruction text after ONBUILD, then each heredoc's
    /// body and terminator on the lines after it (BuildKit's parseOnBuild), so a child build parses it whole.
    /// </summary>
    public string Expression
    {
        get
        {
            InstructionSyntax trigger = Syntax.Subcommand!;
            string expression = trigger.Text.Trim();
            foreach (Heredoc heredoc in trigger.Heredocs.IsDefault ? [] : trigger.Heredocs)
                expression += "\n" + heredoc.Content + heredoc.Name;
            return expression;
        }
    }

    internal static OnbuildInstruction Parse(InstructionSyntax syntax)
    {
        _ = new InstructionFlags(syntax);
        if (syntax.Subcommand is not InstructionSyntax trigger)
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs an instruction", "write ONBUILD <instruction>, for example: ONBUILD COPY . /app");
        }
        string name = trigger.Name;
        if (name is "ONBUILD" or "FROM" or "MAINTAINER")
        {
            throw InstructionErrors.At(syntax, DiagnosticCodes.MisplacedInstruction,
                $"{name} is not allowed as an ONBUILD trigger", "ONBUILD may not trigger ONBUILD, FROM or MAINTAINER");
        }
        return new OnbuildInstruction(syntax, InstructionParser.Parse(trigger));
    }
}
