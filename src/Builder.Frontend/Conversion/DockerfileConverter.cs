using System.Collections.Immutable;
using Builder.Oci;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Expansion;
using Builder.Frontend.Instructions;
using Builder.Frontend.Syntax;
using Builder.Graph;

namespace Builder.Frontend.Conversion;

/// <summary>
/// Turns a parsed Dockerfile into the <see cref="BuildGraph"/> of its target stage: global ARGs, stages and
/// their references (<c>FROM stage</c>, <c>COPY --from</c>, <c>RUN --mount=from=</c>), base-image ONBUILD
/// triggers, and one step per filesystem-changing instruction. Stages the target does not reach are never
/// converted, so they are not in the graph.
/// </summary>
public sealed class DockerfileConverter
{
    private readonly DockerfileSyntax _dockerfile;
    private readonly ConversionOptions _options;
    private readonly IImageConfigResolver _resolver;
    private readonly ShellLexer _lexer;
    private readonly List<FromInstruction> _froms = [];
    private readonly List<ImmutableArray<Instruction>> _stageInstructions = [];
    private readonly List<ArgInstruction> _globalArgInstructions = [];
    private readonly Dictionary<string, string> _globalArgs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _stageIndexByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<int> _fromLines = [];
    private readonly Dictionary<int, Task<StageState>> _converted = [];
    private readonly HashSet<int> _inProgress = [];
    private Dictionary<string, string>? _globalEnvironment;

    private DockerfileConverter(DockerfileSyntax dockerfile, ConversionOptions options, IImageConfigResolver resolver)
    {
        (_dockerfile, _options, _resolver) = (dockerfile, options, resolver);
        _lexer = new ShellLexer(dockerfile.Directives.EscapeToken);
    }

    /// <summary>Converts <paramref name="dockerfile"/>. Throws <see cref="DockerfileException"/> for anything wrong in it.</summary>
    public static async Task<BuildGraph> ConvertAsync(
        DockerfileSyntax dockerfile, ConversionOptions options, IImageConfigResolver resolver, CancellationToken cancellationToken = default)
    {
        var converter = new DockerfileConverter(dockerfile, options, resolver);
        converter.SplitStages(InstructionParser.Parse(dockerfile));
        // After the split: TARGETSTAGE, which global ARG defaults may use, names the target stage.
        foreach (ArgInstruction arg in converter._globalArgInstructions) converter.DeclareGlobalArgs(arg);
        converter._globalEnvironment = converter.GlobalEnvironment();
        int target = converter.TargetIndex();
        // Stages are converted in an order where every stage a stage reads is converted before it, so no
        // conversion waits on another one: the depth of the stage graph never becomes the depth of the stack.
        foreach (int index in converter.ConversionOrder(target))
        {
            await converter.StageAsync(index, cancellationToken).ConfigureAwait(false);
        }
        StageState stage = await converter.StageAsync(target, cancellationToken).ConfigureAwait(false);
        string name = stage.Name ?? target.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach ((string key, string value) in options.Labels.OrderBy(l => l.Key, StringComparer.Ordinal)) stage.Config.SetLabel(key, value);
        if (options.TargetPlatformGiven)
        {
            // BuildKit (dockerfile2llb/convert.go): an asked-for platform is the image's, even when the last stage
            // started FROM --platform=$BUILDPLATFORM; the variant only when there is one or the OS/architecture changed.
            Platform platform = options.TargetPlatform;
            bool sameOsArch = stage.Config.OS == platform.OS && stage.Config.Architecture == platform.Architecture;
            (stage.Config.OS, stage.Config.Architecture) = (platform.OS, platform.Architecture);
            if (platform.Variant.Length > 0 || !sameOsArch) stage.Config.Variant = platform.Variant;
        }
        return new BuildGraph(new BuildTarget(name, stage.Root, stage.Config.Build()));
    }

    internal ConversionOptions Options => _options;

    internal ShellLexer Lexer => _lexer;

    private void SplitStages(ImmutableArray<Instruction> instructions)
    {
        List<Instruction>? current = null;
        foreach (Instruction instruction in instructions)
        {
            if (instruction is FromInstruction from)
            {
                if (current is not null) _stageInstructions.Add([.. current]);
                if (from.StageName is not null && !_stageIndexByName.TryAdd(from.StageName, _froms.Count)
                    && _froms.Any(f => f.StageName == from.StageName))
                {
                    throw InstructionErrors.At(from.Syntax, from.Syntax.Arguments[2], DiagnosticCodes.InvalidStage,
                        $"duplicate stage name '{from.StageName}'", "give each stage its own name");
                }
                _froms.Add(from);
                _fromLines.Add(from.Syntax.Span.StartLine);
                current = [];
            }
            else if (current is not null)
            {
                current.Add(instruction);
            }
            else if (instruction is ArgInstruction arg)
            {
                _globalArgInstructions.Add(arg);
            }
            else
            {
                throw InstructionErrors.At(instruction.Syntax, DiagnosticCodes.MisplacedInstruction,
                    $"{instruction.Name} comes before the first FROM: only ARG may come before FROM",
                    "start the stage with FROM <image> before this instruction");
            }
        }
        if (current is not null) _stageInstructions.Add([.. current]);
        if (_froms.Count == 0)
        {
            throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.MisplacedInstruction,
                _dockerfile.Instructions[^1].Span, _dockerfile.Instructions[^1].Text, "the Dockerfile has no FROM instruction",
                "add FROM <image> to start a build stage"));
        }
    }

    // BuildKit's buildMetaArgs: --build-arg wins over the default; each default expands with the ARGs before it
    // (those of the same line included); a declaration without any value leaves an earlier value alone.
    private void DeclareGlobalArgs(ArgInstruction arg)
    {
        foreach (ArgDeclaration declaration in arg.Declarations)
        {
            string? value = _options.BuildArgs.TryGetValue(declaration.Name, out string? given) ? given
                : new WordExpander(_lexer, GlobalEnvironment(), arg).Optional(declaration.DefaultValue);
            if (value is not null) _globalArgs[declaration.Name] = value;
        }
    }

    /// <summary>What FROM sees (BuildKit's globalArgs): the predefined ARGs, then the global ARGs that have a value.</summary>
    private Dictionary<string, string> GlobalEnvironment()
    {
        if (_globalEnvironment is not null) return new(_globalEnvironment, StringComparer.Ordinal);
        var environment = PredefinedArgs.Of(_options, _froms[^1].StageName);
        foreach ((string name, string value) in _globalArgs) environment[name] = value;
        return environment;
    }

    private int TargetIndex()
    {
        if (_options.Target is null) return _froms.Count - 1;
        int index = _froms.FindIndex(f => string.Equals(f.StageName, _options.Target, StringComparison.OrdinalIgnoreCase));
        if (index >= 0) return index;
        throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.InvalidStage,
            SourceSpan.At(_dockerfile.File, 1, 1), string.Empty, $"target stage '{_options.Target}' is not in the Dockerfile",
            StageList()));
    }

    private string StageList()
    {
        string[] names = [.. _froms.Select((f, i) => f.StageName ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        return "stages are: " + string.Join(", ", names);
    }

    /// <summary>
    /// The stages <paramref name="target"/> needs, each after the stages it reads and the target last, found with an
    /// explicit stack, so a chain of any length is ordered in time linear in the Dockerfile. A reference in a cycle
    /// is the error conversion would meet. References only conversion can see (written with variables, or in ONBUILD
    /// triggers) are converted when met, nested at most <see cref="MaxNestedStages"/> deep.
    /// </summary>
    private List<int> ConversionOrder(int target)
    {
        var order = new List<int>();
        var state = new byte[_froms.Count]; // 0 not seen, 1 on the stack (its references being ordered), 2 ordered
        var pending = new Stack<(int Stage, IEnumerator<int> References)>();
        state[target] = 1;
        pending.Push((target, StaticReferences(target).GetEnumerator()));
        while (pending.Count > 0)
        {
            (int stage, IEnumerator<int> references) = pending.Peek();
            if (!references.MoveNext())
            {
                pending.Pop();
                state[stage] = 2;
                order.Add(stage);
                continue;
            }
            int next = references.Current;
            if (state[next] == 1) throw CircularDependency(next);
            if (state[next] == 0)
            {
                state[next] = 1;
                pending.Push((next, StaticReferences(next).GetEnumerator()));
            }
        }
        return order;
    }

    /// <summary>
    /// The stages stage <paramref name="index"/> reads, as its text shows them: its FROM (expanded with the global
    /// ARGs, as conversion does) and the <c>COPY --from</c> and <c>RUN --mount=from=</c> written without variables
    /// (expansion leaves those unchanged). Named contexts win over stages, as in <see cref="SourceAsync"/>.
    /// </summary>
    private IEnumerable<int> StaticReferences(int index)
    {
        FromInstruction from = _froms[index];
        string? baseName;
        try { baseName = new WordExpander(_lexer, GlobalEnvironment(), from).Word(from.BaseName); }
        catch (DockerfileException) { baseName = null; } // conversion reports it, in its turn
        if (baseName is not null && !_options.NamedContexts.ContainsKey(baseName) && !int.TryParse(baseName, out _)
            && FindStage(baseName) is >= 0 and int parent)
        {
            yield return parent;
        }
        foreach (Instruction instruction in _stageInstructions[index])
        {
            IEnumerable<string?> references = instruction switch
            {
                CopyInstruction copy => [copy.From],
                RunInstruction run => run.Mounts.Select(m => m.Options.GetValueOrDefault("from")),
                _ => [],
            };
            foreach (string? reference in references)
            {
                if (reference is null || reference.AsSpan().IndexOfAny(['$', '\\', '\'', '"', _lexer.EscapeCharacter]) >= 0) continue;
                if (!_options.NamedContexts.ContainsKey(reference) && FindStage(reference) is >= 0 and int stage) yield return stage;
            }
        }
    }

    /// <summary>How deep conversions may nest when a stage reference is only known while converting.</summary>
    internal const int MaxNestedStages = 256;

    private DockerfileException CircularDependency(int index)
    {
        FromInstruction from = _froms[index];
        return InstructionErrors.At(from.Syntax, DiagnosticCodes.InvalidStage,
            $"circular dependency: stage '{from.StageName ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture)}' depends on itself",
            "a stage cannot use itself, directly or through other stages");
    }

    /// <summary>The converted stage <paramref name="index"/>, converting it (once) on first use.</summary>
    internal Task<StageState> StageAsync(int index, CancellationToken cancellationToken)
    {
        // Conversion is sequential, so a stage still in progress that is asked for again is a cycle.
        if (_inProgress.Contains(index)) throw CircularDependency(index);
        if (_converted.TryGetValue(index, out Task<StageState>? done)) return done;
        if (_inProgress.Count >= MaxNestedStages)
        {
            FromInstruction from = _froms[index];
            throw InstructionErrors.At(from.Syntax, DiagnosticCodes.LimitExceeded,
                $"stage '{from.StageName ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture)}' is reached through more than {MaxNestedStages} stages whose references use variables or ONBUILD triggers",
                "write the stage names in COPY --from and RUN --mount=from= without variables, so stages can be ordered before conversion");
        }
        _inProgress.Add(index);
        Task<StageState> task = ConvertStageAsync(index, cancellationToken);
        _converted[index] = task;
        return task;
    }

    /// <summary>The stage a FROM, --from or from= names (by name, case-insensitively, or by index), or -1.</summary>
    internal int FindStage(string reference)
    {
        if (_stageIndexByName.TryGetValue(reference, out int byName)) return byName;
        return int.TryParse(reference, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int i)
            && i < _froms.Count ? i : -1;
    }

    /// <summary>
    /// The filesystem <c>COPY --from</c> or <c>RUN --mount=from=</c> names: a stage's result, or an image.
    /// </summary>
    internal async Task<BuildStep> SourceAsync(string reference, Instruction instruction, StageState stage, CancellationToken cancellationToken)
    {
        if (_options.NamedContexts.TryGetValue(reference, out NamedContext? named))
        {
            if (named.Target is { } target) return target.Step;
            if (named.Directory is not null) return NamedDirectory(reference, instruction);
            (_, Digest? namedDigest) = await _resolver.ResolveAsync(named.Image!, stage.Platform, cancellationToken).ConfigureAwait(false);
            return new ImageSourceStep(named.Image!, stage.Platform) { ResolvedDigest = namedDigest, Origin = Origin(instruction) };
        }
        int index = FindStage(reference);
        if (index >= 0) return (await StageAsync(index, cancellationToken).ConfigureAwait(false)).Root;
        if (int.TryParse(reference, out _))
        {
            throw InstructionErrors.At(instruction.Syntax, DiagnosticCodes.InvalidStage,
                $"stage index {reference} does not exist: the Dockerfile has {_froms.Count} stages", StageList());
        }
        if (!ImageReference.TryParse(reference, out ImageReference? image))
        {
            throw InstructionErrors.At(instruction.Syntax, DiagnosticCodes.InvalidStage,
                $"'{reference}' is neither a stage nor a valid image reference", StageList());
        }
        (_, Digest? digest) = await _resolver.ResolveAsync(image, stage.Platform, cancellationToken).ConfigureAwait(false);
        return new ImageSourceStep(image, stage.Platform) { ResolvedDigest = digest };
    }

    private async Task<StageState> ConvertStageAsync(int index, CancellationToken cancellationToken)
    {
        FromInstruction from = _froms[index];
        var expander = new WordExpander(_lexer, GlobalEnvironment(), from);
        string baseName = expander.Word(from.BaseName);
        Platform platform = _options.TargetPlatform;
        if (expander.Optional(from.Platform) is string platformText && !Platform.TryParse(platformText, out platform!))
        {
            throw InstructionErrors.At(from.Syntax, from.Syntax.Flags[0], DiagnosticCodes.InvalidFlagValue,
                $"invalid platform '{platformText}'", "write --platform=<os>/<arch>[/<variant>], for example linux/amd64");
        }

        StageState stage;
        int parent = FindStage(baseName);
        // BuildKit's stage name in progress: none when the Dockerfile has one stage, stage-i when the stage has no name.
        var naming = new StepNaming(_froms.Count == 1 ? null : from.StageName ?? "stage-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _stageInstructions[index].Count(StepNaming.IsNumbered));
        NamedContext? named = _options.NamedContexts.GetValueOrDefault(baseName);
        if (named?.Image is { } namedImage) baseName = namedImage.ToString();
        if (named?.Target is { } built)
        {
            // FROM another target of the build: its result and config, as FROM an image it would have pushed; its
            // ONBUILD triggers run here as an image's do.
            stage = new StageState(from.StageName, built.Step, new ImageConfigBuilder(built.Config), platform);
            await ApplyOnbuildTriggersAsync(stage, built.Config.Config.OnBuild, baseName, cancellationToken).ConfigureAwait(false);
        }
        else if (named?.Directory is not null)
        {
            // FROM a directory: the stage starts as a copy of its files on an empty filesystem, with an empty config.
            BuildStep files = new FileStep([new CopyAction(1, "/", "/")]) { Inputs = [new ScratchStep(), NamedDirectory(baseName, from)], Origin = Origin(from) };
            stage = new StageState(from.StageName, files, new ImageConfigBuilder(ImageConfig.Empty(platform)), platform);
        }
        else if (named is null && parent >= 0 && !int.TryParse(baseName, out _))
        {
            StageState parentStage = await StageAsync(parent, cancellationToken).ConfigureAwait(false);
            ImmutableArray<string> parentTriggers = [.. parentStage.Config.OnBuild];
            naming.Total += parentTriggers.Length;
            stage = new StageState(from.StageName, parentStage.Root, new ImageConfigBuilder(parentStage.Config), parentStage.Platform, parentStage) { Naming = naming };
            // BuildKit runs the ONBUILD triggers a stage inherits whether its base is an image or another stage
            // (toDispatchState calls dispatchOnBuildTriggers for every stage; parity case onbuild-trigger).
            await ApplyOnbuildTriggersAsync(stage, parentTriggers, baseName, cancellationToken).ConfigureAwait(false);
        }
        else if (baseName.Equals("scratch", StringComparison.OrdinalIgnoreCase))
        {
            // BuildKit's emptyImage: a scratch stage starts with WorkingDir "/" and the default PATH (parity case scratch-copy).
            // (StageState gives every config without PATH the default one.)
            var scratch = new ImageConfigBuilder(ImageConfig.Empty(platform)) { WorkingDir = "/" };
            stage = new StageState(from.StageName, new ScratchStep { Origin = Origin(from) }, scratch, platform) { Naming = naming };
        }
        else
        {
            if (!ImageReference.TryParse(baseName, out ImageReference? image))
            {
                throw InstructionErrors.At(from.Syntax, from.Syntax.Arguments[0], DiagnosticCodes.InvalidArgument,
                    $"'{baseName}' is not a valid image reference or stage name",
                    "write a lower-case image name such as alpine:3.20 or registry:5000/team/app@sha256:…, or the name of an earlier stage");
            }
            (ImageConfig config, Digest? digest) = await _resolver.ResolveAsync(image, platform, cancellationToken).ConfigureAwait(false);
            // The FROM of an image is step 1 (its name has the digest it resolved to, as BuildKit's has); the triggers
            // of the base image count among the stage's steps.
            naming.Total += 1 + config.Config.OnBuild.Length;
            string fromName = naming.From((digest is { } resolved ? image.WithDigest(resolved) : image).ToString());
            stage = new StageState(from.StageName, new ImageSourceStep(image, platform) { ResolvedDigest = digest, Origin = Origin(from) with { Name = fromName } },
                new ImageConfigBuilder(config), platform) { Naming = naming };
            await ApplyOnbuildTriggersAsync(stage, config.Config.OnBuild, baseName, cancellationToken).ConfigureAwait(false);
        }

        var instructions = new InstructionConverter(this, stage);
        foreach (Instruction instruction in _stageInstructions[index])
        {
            await instructions.ConvertAsync(instruction, cancellationToken).ConfigureAwait(false);
        }
        _inProgress.Remove(index);
        return stage;
    }

    // A base image's ONBUILD triggers run first in the stage that uses it, and are not inherited further.
    private async Task ApplyOnbuildTriggersAsync(StageState stage, ImmutableArray<string> triggers, string baseName, CancellationToken cancellationToken)
    {
        if (triggers.IsDefaultOrEmpty) return;
        stage.Config.ClearOnBuild();
        var converter = new InstructionConverter(this, stage);
        if (stage.Naming is { } naming) naming.InOnbuild = true;
        foreach (string trigger in triggers)
        {
            DockerfileSyntax syntax = DockerfileParser.Parse(trigger, $"ONBUILD of {baseName}");
            foreach (Instruction instruction in InstructionParser.Parse(syntax))
            {
                if (instruction is FromInstruction or MaintainerInstruction or OnbuildInstruction)
                {
                    throw InstructionErrors.At(instruction.Syntax, DiagnosticCodes.MisplacedInstruction,
                        $"{instruction.Name} is not allowed as an ONBUILD trigger (in base image {baseName})");
                }
                await converter.ConvertAsync(instruction, cancellationToken).ConfigureAwait(false);
            }
        }
        if (stage.Naming is { } named) named.InOnbuild = false;
    }

    // The whole directory of a named context, read like the build context.
    private ContextSourceStep NamedDirectory(string name, Instruction instruction) =>
        new(ContextSourceStep.NamedPrefix + name) { Origin = Origin(instruction) };

    /// <summary>
    /// Where <paramref name="instruction"/> is. With its <paramref name="stage"/>, the origin of a step that instruction
    /// makes also has its progress name (<see cref="StepNaming"/>), expanded with the variables in scope now.
    /// </summary>
    internal StepOrigin Origin(Instruction instruction, StageState? stage = null) =>
        new(_dockerfile.File, instruction.Syntax.Span.StartLine, instruction.Syntax.LastLine, instruction.Syntax.Text.Trim())
        {
            Stage = StageAt(instruction.Syntax.Span.StartLine),
            Name = stage?.Naming is { } naming && StepNaming.IsNumbered(instruction)
                ? naming.Of(instruction, _lexer, stage.ExpansionEnvironment()) : null,
        };

    // The stage an instruction's line falls in: the last FROM at or above it (ONBUILD triggers carry their FROM's line).
    private string? StageAt(int line)
    {
        int found = _fromLines.BinarySearch(line);
        int index = found >= 0 ? LastWithLine(found) : ~found - 1;
        return index < 0 ? null : _froms[index].StageName ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private int LastWithLine(int index)
    {
        while (index + 1 < _fromLines.Count && _fromLines[index + 1] == _fromLines[index]) index++;
        return index;
    }

    /// <summary>
    /// The value a stage's <c>ARG name</c> gets (BuildKit's dispatchArg): --build-arg, else its default expanded
    /// with the stage's variables, else the global value (a global ARG's or a predefined one), else none.
    /// </summary>
    internal string? StageArgValue(ArgDeclaration declaration, WordExpander expander)
    {
        if (_options.BuildArgs.TryGetValue(declaration.Name, out string? given)) return given;
        if (declaration.DefaultValue is not null) return expander.Word(declaration.DefaultValue);
        return GlobalEnvironment().GetValueOrDefault(declaration.Name);
    }
}
