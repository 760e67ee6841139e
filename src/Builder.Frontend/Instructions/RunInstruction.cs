using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>RUN [--mount=…] [--network=…] [--security=…] command</c>.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Command">The command, exec or shell form, with its heredocs.</param>
/// <param name="Mounts">The <c>--mount</c> flags, in order.</param>
/// <param name="Network">default, none or host (null: default).</param>
/// <param name="Security">sandbox or insecure (null: sandbox).</param>
public sealed record RunInstruction(
    InstructionSyntax Syntax, CommandLine Command, ImmutableArray<MountSpec> Mounts, string? Network, string? Security)
    : Instruction(Syntax)
{
    private static readonly string[] Networks = ["default", "none", "host"];
    private static readonly string[] Securities = ["sandbox", "insecure"];

    internal static RunInstruction Parse(InstructionSyntax syntax)
    {
        var flags = new InstructionFlags(syntax,
            ("mount", FlagKind.StringList), ("network", FlagKind.String), ("security", FlagKind.String));
        if (syntax.Arguments.Length == 0)
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs a command", "write RUN <command>, for example: RUN make");
        }
        string? network = flags.String("network");
        if (network is not null && !Networks.Contains(network))
        {
            throw InstructionErrors.At(syntax, flags.Word("network")!, DiagnosticCodes.InvalidFlagValue,
                $"unknown network mode '{network}'", "valid: --network=default, none or host");
        }
        string? security = flags.String("security");
        if (security is not null && !Securities.Contains(security))
        {
            throw InstructionErrors.At(syntax, flags.Word("security")!, DiagnosticCodes.InvalidFlagValue,
                $"unknown security mode '{security}'", "valid: --security=sandbox or insecure");
        }
        ImmutableArray<MountSpec> mounts = [.. flags.List("mount").Select(m => MountSpec.Parse(syntax, m.Value, m.Word))];
        return new RunInstruction(syntax, CommandLine.From(syntax), mounts, network, security);
    }
}
