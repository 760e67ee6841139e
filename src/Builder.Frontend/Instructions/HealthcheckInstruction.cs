using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary>
/// <c>HEALTHCHECK [--interval] [--timeout] [--start-period] [--start-interval] [--retries] CMD command</c>, or
/// <c>HEALTHCHECK NONE</c> to disable the base image's check.
/// </summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Command">The test command; null for NONE.</param>
/// <param name="Interval">Time between checks (null: Docker's default).</param>
/// <param name="Timeout">Time a check may take.</param>
/// <param name="StartPeriod">Time during which failures do not count.</param>
/// <param name="StartInterval">Time between checks during the start period.</param>
/// <param name="Retries">Failures in a row that make the container unhealthy.</param>
public sealed record HealthcheckInstruction(
    InstructionSyntax Syntax, CommandLine? Command, TimeSpan? Interval, TimeSpan? Timeout, TimeSpan? StartPeriod,
    TimeSpan? StartInterval, int? Retries) : Instruction(Syntax)
{
    internal static HealthcheckInstruction Parse(InstructionSyntax syntax)
    {
        var flags = new InstructionFlags(syntax, ("interval", FlagKind.String), ("timeout", FlagKind.String),
            ("start-period", FlagKind.String), ("start-interval", FlagKind.String), ("retries", FlagKind.String));
        if (syntax.Arguments.Length == 0)
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs CMD <command> or NONE", "write HEALTHCHECK CMD curl -f http://localhost/");
        }
        SyntaxWord type = syntax.Arguments[0];
        switch (type.Value.ToUpperInvariant())
        {
            case "NONE":
                if (syntax.Arguments.Length > 1)
                {
                    throw InstructionErrors.At(syntax, DiagnosticCodes.WrongArgumentCount, "HEALTHCHECK NONE takes no arguments",
                        "write HEALTHCHECK NONE alone");
                }
                return new HealthcheckInstruction(syntax, null, null, null, null, null, null);
            case "CMD":
                if (syntax.Arguments.Length == 1)
                {
                    throw InstructionErrors.At(syntax, type, DiagnosticCodes.WrongArgumentCount, "HEALTHCHECK CMD needs a command",
                        "write HEALTHCHECK CMD <command>");
                }
                break;
            default:
                throw InstructionErrors.At(syntax, type, DiagnosticCodes.InvalidArgument,
                    $"unknown HEALTHCHECK type '{type.Value}'", "write HEALTHCHECK CMD <command> or HEALTHCHECK NONE");
        }

        int? retries = null;
        if (flags.String("retries") is string retriesText)
        {
            if (!int.TryParse(retriesText, out int value) || value < 0)
            {
                throw InstructionErrors.At(syntax, flags.Word("retries")!, DiagnosticCodes.InvalidFlagValue,
                    $"--retries takes a whole number of at least 0, not '{retriesText}'", "write --retries=3");
            }
            retries = value;
        }
        return new HealthcheckInstruction(syntax, CommandLine.From(syntax, skip: 1),
            Duration(syntax, flags, "interval"), Duration(syntax, flags, "timeout"), Duration(syntax, flags, "start-period"),
            Duration(syntax, flags, "start-interval"), retries);
    }

    // BuildKit's parseOptInterval: a Go duration; 0 means "default"; anything else must be at least 1ms.
    private static TimeSpan? Duration(InstructionSyntax syntax, InstructionFlags flags, string name)
    {
        if (flags.String(name) is not string text) return null;
        if (!GoDuration.TryParse(text, out TimeSpan value) || value < TimeSpan.Zero)
        {
            throw InstructionErrors.At(syntax, flags.Word(name)!, DiagnosticCodes.InvalidFlagValue,
                $"--{name} '{text}' is not a duration", $"write a duration such as --{name}=30s, 1m30s or 500ms");
        }
        if (value != TimeSpan.Zero && value < TimeSpan.FromMilliseconds(1))
        {
            throw InstructionErrors.At(syntax, flags.Word(name)!, DiagnosticCodes.InvalidFlagValue,
                $"--{name} '{text}' cannot be less than 1ms", $"write --{name}=1ms or more, or 0 for the default");
        }
        return value == TimeSpan.Zero ? null : value;
    }
}
