using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Builder.Oci;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Instructions;
using Builder.Graph;

namespace Builder.Frontend.Conversion;

/// <summary>
/// Converts the instructions that change only the image config (ENV, ARG, LABEL, EXPOSE, USER, VOLUME, CMD,
/// ENTRYPOINT, SHELL, STOPSIGNAL, HEALTHCHECK, ONBUILD, MAINTAINER) and WORKDIR, which also creates its
/// directory. Each is a few lines, so they share one type rather than thirteen files.
/// </summary>
internal sealed partial class ImageConfigConverter(DockerfileConverter dockerfile, StageState stage)
{
    [GeneratedRegex(@"^(\d+)(?:-(\d+))?(?:/([A-Za-z]+))?$")]
    private static partial Regex PortPattern();

    [GeneratedRegex(@"^(SIG)?[A-Z][A-Z0-9]*([+-]\d+)?$|^\d+$", RegexOptions.IgnoreCase)]
    private static partial Regex SignalPattern();

    public void Convert(Instruction instruction)
    {
        var expand = new WordExpander(dockerfile.Lexer, stage.ExpansionEnvironment(), instruction);
        ImageConfigBuilder config = stage.Config;
        switch (instruction)
        {
            case EnvInstruction env:
                // Every pair expands with the variables as they were before the instruction: the Dockerfile
                // reference's "ENV abc=bye def=$abc" gives def the old abc, as BuildKit does (parity case stage-from-stage).
                foreach (KeyValue pair in env.Variables)
                {
                    string name = expand.Word(pair.Key);
                    // BuildKit adds "=VALUE" to the config's Env for a name that expands to nothing; imgbuild refuses it.
                    if (name.Length == 0)
                        throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.NotSupportedYet, instruction.Syntax.Span, instruction.Syntax.Text,
                            $"not supported yet: ENV name '{pair.Key}' is empty after expansion", "define the variable the name uses, or write the name itself"));
                    stage.SetEnv(name, expand.Word(pair.Value));
                }
                break;
            case ArgInstruction arg:
                // Each default expands with the variables as they are after the declarations before it on the line.
                foreach (ArgDeclaration declaration in arg.Declarations)
                {
                    var declared = new WordExpander(dockerfile.Lexer, stage.ExpansionEnvironment(), instruction);
                    stage.DeclareArg(declaration.Name, dockerfile.StageArgValue(declaration, declared));
                }
                break;
            case LabelInstruction label:
                foreach (KeyValue pair in label.Labels) config.SetLabel(expand.Word(pair.Key), expand.Word(pair.Value));
                break;
            case MaintainerInstruction maintainer:
                config.Author = expand.Word(maintainer.Author);
                break;
            case ExposeInstruction expose:
                foreach (string word in expose.Ports) AddPorts(expose, expand.Word(word));
                break;
            case UserInstruction user:
                config.User = expand.Word(user.User);
                break;
            case WorkdirInstruction workdir:
                string requested = expand.Word(workdir.Path);
                string directory = stage.ResolvePath(requested).TrimEnd('/') is { Length: > 0 } dir ? dir : "/";
                if (System.Text.Encoding.UTF8.GetByteCount(directory) > MaxPathBytes)
                {
                    // Linux's PATH_MAX (4096 bytes with the NUL): runc cannot chdir to, nor mkdir, a longer path, and
                    // each relative WORKDIR would otherwise clean an ever longer path (issue 14).
                    throw InstructionErrors.At(instruction.Syntax, DiagnosticCodes.LimitExceeded,
                        $"WORKDIR makes the working directory {System.Text.Encoding.UTF8.GetByteCount(directory)} bytes long; Linux allows at most {MaxPathBytes} (PATH_MAX)",
                        "use an absolute WORKDIR, or fewer nested relative ones");
                }
                // BuildKit's NormalizeWorkdir joins and cleans a relative path but keeps an absolute one as written,
                // trailing slash included (parity case workdir).
                config.WorkingDir = requested.StartsWith('/') ? requested : directory;
                // BuildKit creates the directory at WORKDIR time, so an empty one exists in the image, and as the
                // current USER, so that user can write there (parity case workdir-as-user).
                string[] current = (config.User ?? "").Split(':', 2);
                FileOwner? owner = current[0].Length == 0 ? null : new FileOwner(current[0], current.Length == 2 ? current[1] : null);
                stage.Root = new FileStep([new MkdirAction(directory, 0b111_101_101, MakeParents: true, Owner: owner)])
                {
                    Inputs = [stage.Root], Origin = dockerfile.Origin(instruction, stage),
                };
                break;
            case VolumeInstruction volume:
                foreach (string path in volume.Paths)
                {
                    string expanded = expand.Word(path);
                    if (expanded.Trim().Length == 0) throw Error(instruction, "VOLUME paths cannot be empty", "remove the empty path");
                    config.AddVolume(expanded);
                }
                break;
            case CmdInstruction cmd:
                config.Cmd = CommandWords(cmd.Command);
                stage.CmdSetInStage = true;
                break;
            case EntrypointInstruction entrypoint:
                config.Entrypoint = CommandWords(entrypoint.Command);
                // Dockerfile reference: ENTRYPOINT resets a CMD inherited from the base image.
                if (!stage.CmdSetInStage) config.Cmd = [];
                break;
            case ShellInstruction shell:
                config.Shell = shell.Shell;
                break;
            case StopSignalInstruction stopSignal:
                string signal = expand.Word(stopSignal.Signal);
                if (!SignalPattern().IsMatch(signal))
                {
                    throw Error(instruction, $"invalid STOPSIGNAL '{signal}'", "write a signal name or number, for example SIGTERM or 15");
                }
                config.StopSignal = signal;
                break;
            case HealthcheckInstruction health:
                config.Healthcheck = health.Command is null
                    ? new Healthcheck { Test = ["NONE"] }
                    : new Healthcheck
                    {
                        Test = health.Command.IsShellForm ? ["CMD-SHELL", .. health.Command.Words] : ["CMD", .. health.Command.Words],
                        Interval = health.Interval ?? TimeSpan.Zero, Timeout = health.Timeout ?? TimeSpan.Zero,
                        StartPeriod = health.StartPeriod ?? TimeSpan.Zero, StartInterval = health.StartInterval ?? TimeSpan.Zero,
                        Retries = health.Retries ?? 0,
                    };
                break;
            case OnbuildInstruction onbuild:
                config.AddOnBuild(onbuild.Expression);
                break;
            default:
                throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.NotSupportedYet, instruction.Syntax.Span,
                    instruction.Syntax.Text, $"not supported yet: {instruction.Name}"));
        }
        // BuildKit's dispatchOnbuild only stores the trigger: ONBUILD has no history entry (parity case onbuild).
        if (instruction is not OnbuildInstruction)
            stage.AddHistory(instruction, instruction.Syntax.Text.Trim(), emptyLayer: instruction is not WorkdirInstruction);
    }

    // CMD and ENTRYPOINT are stored unexpanded; the shell form runs through the stage's SHELL.
    private ImmutableArray<string> CommandWords(CommandLine command) =>
        command.IsShellForm ? [.. stage.Shell, .. command.Words] : command.Words;

    // EXPOSE 80, 80/tcp, 53/udp, 8000-8010: each port of a range is exposed, with tcp as the default protocol.
    private void AddPorts(Instruction instruction, string word)
    {
        Match match = PortPattern().Match(word);
        string protocol = match.Success && match.Groups[3].Success ? match.Groups[3].Value.ToLowerInvariant() : "tcp";
        if (!match.Success || protocol is not ("tcp" or "udp" or "sctp")
            || !int.TryParse(match.Groups[1].Value, out int first) || first > 65535)
        {
            throw Error(instruction, $"invalid port '{word}'", "write a port from 0 to 65535 with an optional /tcp, /udp or /sctp, or a range 8000-8010");
        }
        int last = first;
        if (match.Groups[2].Success && (!int.TryParse(match.Groups[2].Value, out last) || last < first || last > 65535))
        {
            throw Error(instruction, $"invalid port range '{word}'", "write the lower port first: 8000-8010");
        }
        for (int port = first; port <= last; port++) stage.Config.AddExposedPort($"{port}/{protocol}");
    }

    /// <summary>The longest working directory, in bytes: Linux's PATH_MAX less the terminating NUL.</summary>
    internal const int MaxPathBytes = 4095;

    private static DockerfileException Error(Instruction instruction, string message, string hint) =>
        InstructionErrors.At(instruction.Syntax, DiagnosticCodes.InvalidArgument, message, hint);
}
