using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary>Turns each <see cref="InstructionSyntax"/> into its typed <see cref="Instruction"/>, checking flags and arguments.</summary>
public static class InstructionParser
{
    private static readonly Dictionary<string, Func<InstructionSyntax, Instruction>> Parsers = new(StringComparer.Ordinal)
    {
        ["FROM"] = FromInstruction.Parse,
        ["RUN"] = RunInstruction.Parse,
        ["CMD"] = CmdInstruction.Parse,
        ["LABEL"] = LabelInstruction.Parse,
        ["MAINTAINER"] = MaintainerInstruction.Parse,
        ["EXPOSE"] = ExposeInstruction.Parse,
        ["ENV"] = EnvInstruction.Parse,
        ["ADD"] = AddInstruction.Parse,
        ["COPY"] = CopyInstruction.Parse,
        ["ENTRYPOINT"] = EntrypointInstruction.Parse,
        ["VOLUME"] = VolumeInstruction.Parse,
        ["USER"] = UserInstruction.Parse,
        ["WORKDIR"] = WorkdirInstruction.Parse,
        ["ARG"] = ArgInstruction.Parse,
        ["ONBUILD"] = OnbuildInstruction.Parse,
        ["STOPSIGNAL"] = StopSignalInstruction.Parse,
        ["HEALTHCHECK"] = HealthcheckInstruction.Parse,
        ["SHELL"] = ShellInstruction.Parse,
    };

    /// <summary>The instruction names of the Dockerfile reference.</summary>
    public static IEnumerable<string> InstructionNames => Parsers.Keys;

    /// <summary>Types every instruction of a parsed Dockerfile, in order.</summary>
    public static ImmutableArray<Instruction> Parse(DockerfileSyntax dockerfile) =>
        [.. dockerfile.Instructions.Select(Parse)];

    /// <summary>Types one instruction; an unknown keyword is an error that suggests the nearest instruction.</summary>
    public static Instruction Parse(InstructionSyntax syntax)
    {
        if (Parsers.TryGetValue(syntax.Name, out var parse)) return parse(syntax);
        string? nearest = NearestWord.Find(syntax.Name, Parsers.Keys);
        throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.UnknownInstruction, syntax.KeywordSpan,
            syntax.Text, $"unknown instruction: {syntax.Keyword}" + (nearest is null ? "" : $" (did you mean {nearest}?)"),
            nearest is null ? "instructions are: " + string.Join(", ", Parsers.Keys) : null));
    }
}
