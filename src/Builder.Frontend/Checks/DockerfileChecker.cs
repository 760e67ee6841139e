using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Builder.Filesystem.Patterns;
using Builder.Frontend.Conversion;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Expansion;
using Builder.Frontend.Instructions;
using Builder.Frontend.Syntax;
using Builder.Oci;

namespace Builder.Frontend.Checks;

/// <summary>
/// Runs BuildKit's build checks (the rules of <see cref="CheckRules"/>) over a parsed Dockerfile, where BuildKit's
/// dockerfile2llb runs them: while parsing (casing, MAINTAINER, descriptions), over all stages (names, casing),
/// on each FROM (its ARGs and platform), and while dispatching the stages the target reaches (or every stage, for
/// <c>--check</c> without a target): variables, WORKDIR, ENV/LABEL/ARG, CMD/ENTRYPOINT/HEALTHCHECK, EXPOSE, COPY.
/// It reports; it never fails a build for what conversion reports (a bad Dockerfile is conversion's error).
/// </summary>
public static partial class DockerfileChecker
{
    // BuildKit's nonEnvArgs: ARGs that configure the build and are never in a step's environment.
    private static readonly HashSet<string> NonEnvironmentArgs = new(StringComparer.Ordinal) { "BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE" };

    // BuildKit's reservedStageNames.
    private static readonly HashSet<string> ReservedStageNames = new(StringComparer.Ordinal) { "context", "scratch" };

    // system.DefaultPathEnv for Linux: the PATH a stage gets when its base image has none.
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    // BuildKit's getSecretsRegex: a secret-looking word as the whole name or its first or last '_' part.
    [GeneratedRegex("(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPattern();

    [GeneratedRegex("(?:_|^)(?:public)(?:_|$)", RegexOptions.IgnoreCase)]
    private static partial Regex PublicPattern();

    /// <summary>
    /// The configuration the checks run with: the <c>BUILDKIT_DOCKERFILE_CHECK</c> build argument when given, else
    /// the <c># check=</c> directive.
    /// </summary>
    /// <exception cref="DockerfileException">The value is malformed.</exception>
    public static CheckConfig ConfigOf(DockerfileSyntax dockerfile, IReadOnlyDictionary<string, string> buildArgs)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        ArgumentNullException.ThrowIfNull(buildArgs);
        if (buildArgs.TryGetValue(CheckConfig.BuildArg, out string? given))
        {
            if (CheckConfig.TryParse(given, out CheckConfig fromArg, out string? argError)) return fromArg;
            throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.InvalidBuildOption, SourceSpan.At(dockerfile.File, 1, 1), string.Empty,
                $"failed to parse {CheckConfig.BuildArg}: {argError}", "write skip=<rule,...|all>;experimental=<rule,...|all>;error=true|false"));
        }
        if (CheckConfig.TryParse(dockerfile.Directives.Check, out CheckConfig config, out string? error)) return config;
        int line = Math.Max(1, dockerfile.Directives.CheckLine);
        throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.InvalidDirective, SourceSpan.At(dockerfile.File, line, 1),
            "# check=" + dockerfile.Directives.Check, $"failed to parse check options: {error}",
            "write # check=skip=<rule,...|all>;experimental=<rule,...|all>;error=true|false"));
    }

    /// <summary>Checks <paramref name="dockerfile"/> as a build of <paramref name="options"/>' target would.</summary>
    /// <param name="dockerfile">The parsed Dockerfile.</param>
    /// <param name="options">Target, build arguments, platforms, .dockerignore patterns and named contexts of the build.</param>
    /// <param name="allStages">Check every stage, not only those the target reaches (<c>--check</c> without <c>--target</c>).</param>
    /// <param name="resolver">Base images' configs (their ENV, SHELL and platform); null checks as if they had none.</param>
    /// <param name="cancellationToken">Stops resolving base images.</param>
    /// <exception cref="DockerfileException">An instruction is malformed, or the check configuration is.</exception>
    public static async Task<CheckReport> CheckAsync(DockerfileSyntax dockerfile, ConversionOptions options, bool allStages,
        IImageConfigResolver? resolver, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        ArgumentNullException.ThrowIfNull(options);
        CheckConfig config = ConfigOf(dockerfile, options.BuildArgs);
        var run = new CheckRun(dockerfile, options, config);
        ImmutableArray<Instruction> instructions = InstructionParser.Parse(dockerfile);
        run.WhileParsing(instructions);
        if (run.Stages.Count > 0)
        {
            run.StageNames();
            run.InstructionCasing();
            run.FromDefaults();
            run.FromArguments();
            await run.DispatchAsync(allStages, resolver, cancellationToken).ConfigureAwait(false);
        }
        return new CheckReport([.. run.Warnings], config);
    }

    /// <summary>One run of the checks over one Dockerfile.</summary>
    private sealed class CheckRun(DockerfileSyntax dockerfile, ConversionOptions options, CheckConfig config)
    {
        private readonly ShellLexer _lexer = new(dockerfile.Directives.EscapeToken);
        private readonly ShellLexer _heredocLexer = new('\\', ShellLexerOptions.Heredoc);
        private readonly List<ArgInstruction> _globalArgs = [];
        private Dictionary<string, string> _globalEnvironment = new(StringComparer.Ordinal);
        private readonly List<string> _declaredGlobalArgs = [];

        public List<CheckWarning> Warnings { get; } = [];

        public List<CheckedStage> Stages { get; } = [];

        private void Report(CheckRule rule, string detail, InstructionSyntax at) => Report(rule, detail, Lines(at));

        private void Report(CheckRule rule, string detail, SourceSpan location)
        {
            if (config.IsEnabled(rule)) Warnings.Add(new CheckWarning(rule, detail, location));
        }

        // BuildKit's node location: the instruction's first line to its last, heredoc bodies included.
        private SourceSpan Lines(InstructionSyntax syntax) =>
            new(dockerfile.File, syntax.Span.StartLine, 1, syntax.LastLine, 1);

        /// <summary>instructions.Parse with the linter: NoEmptyContinuation, then per instruction in file order.</summary>
        public void WhileParsing(ImmutableArray<Instruction> instructions)
        {
            foreach (DockerfileDiagnostic warning in dockerfile.Warnings.Where(w => w.Code == DiagnosticCodes.EmptyContinuationLine))
            {
                // The parser's warning points at the instruction's last line (parser.go: Location currentLine).
                Report(CheckRules.NoEmptyContinuation, "Empty continuation line",
                    new SourceSpan(dockerfile.File, warning.Span.EndLine, 1, warning.Span.EndLine, 1));
            }
            foreach (Instruction instruction in instructions)
            {
                InstructionSyntax syntax = instruction.Syntax;
                switch (instruction)
                {
                    case MaintainerInstruction:
                        Report(CheckRules.MaintainerDeprecated, "Maintainer instruction is deprecated in favor of using label", syntax);
                        break;
                    case FromInstruction from:
                        FromCasing(from);
                        if (from.StageName is { } name) DefinitionDescription("FROM", [name], syntax);
                        Stages.Add(new CheckedStage(from, []));
                        continue;
                    case ArgInstruction arg:
                        DefinitionDescription("ARG", [.. arg.Declarations.Select(d => d.Name)], syntax);
                        if (Stages.Count == 0)
                        {
                            _globalArgs.Add(arg);
                            continue;
                        }
                        break;
                }
                // An instruction before the first FROM other than ARG is conversion's error.
                if (Stages.Count > 0) Stages[^1].Commands.Add(instruction);
            }
        }

        // parse.go: isLowerCaseStageName and doesFromCaseMatchAsCase.
        private void FromCasing(FromInstruction from)
        {
            InstructionSyntax syntax = from.Syntax;
            if (syntax.Arguments.Length != 3) return;
            string written = syntax.Arguments[2].Value;
            if (written != written.ToLowerInvariant())
                Report(CheckRules.StageNameCasing, $"Stage name '{written}' should be lowercase", syntax);
            string keyword = syntax.Keyword, asWord = syntax.Arguments[1].Value;
            bool lower = keyword == keyword.ToLowerInvariant(), upper = keyword == keyword.ToUpperInvariant();
            // A FROM of mixed case is ConsistentInstructionCasing's concern, not this rule's.
            if (!lower && !upper) return;
            if (asWord != (lower ? asWord.ToLowerInvariant() : asWord.ToUpperInvariant()))
                Report(CheckRules.FromAsCasing, $"'{asWord}' and '{keyword}' keywords' casing do not match", syntax);
        }

        // parse.go: validateDefinitionDescription, on the last comment line above FROM or ARG.
        private void DefinitionDescription(string instruction, string[] names, InstructionSyntax syntax)
        {
            if (syntax.Comments.IsEmpty || names.Length == 0) return;
            string first = syntax.Comments[^1].Split(' ')[0];
            if (names.Contains(first, StringComparer.Ordinal)) return;
            string example = names.Length > 1 ? "<arg_key>" : names[0];
            Report(CheckRules.InvalidDefinitionDescription, $"Comment for {instruction} should follow the format: `# {example} <description>`", syntax);
        }

        /// <summary>validateStageNames: reserved and repeated names, in stage order.</summary>
        public void StageNames()
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (CheckedStage stage in Stages.Where(s => s.Name.Length > 0))
            {
                if (ReservedStageNames.Contains(stage.Name))
                    Report(CheckRules.ReservedStageName, $"Stage name should not use the same name as reserved stage \"{stage.Name}\"", stage.From.Syntax);
                if (!seen.Add(stage.Name))
                    Report(CheckRules.DuplicateStageName, $"Duplicate stage name \"{stage.Name}\", stage names should be unique", stage.From.Syntax);
            }
        }

        /// <summary>
        /// validateCommandCasing: each keyword of the stages (global ARGs are not counted) must be all lower or all
        /// upper case, and in the case most keywords have (upper case on a tie).
        /// </summary>
        public void InstructionCasing()
        {
            var keywords = Stages.SelectMany(s => s.Commands.Select(c => c.Syntax).Prepend(s.From.Syntax)).ToList();
            int lowerCount = 0, upperCount = 0;
            foreach (InstructionSyntax syntax in keywords)
            {
                if (syntax.Keyword == syntax.Keyword.ToLowerInvariant()) lowerCount++;
                else if (syntax.Keyword == syntax.Keyword.ToUpperInvariant()) upperCount++;
            }
            bool majorityLower = lowerCount > upperCount;
            foreach (InstructionSyntax syntax in keywords)
            {
                string keyword = syntax.Keyword;
                string? correct = majorityLower && keyword != keyword.ToLowerInvariant() ? "lowercase"
                    : !majorityLower && keyword != keyword.ToUpperInvariant() ? "uppercase" : null;
                if (correct is not null)
                    Report(CheckRules.ConsistentInstructionCasing, $"Command '{keyword}' should match the case of the command majority ({correct})", syntax);
            }
        }

        /// <summary>
        /// validateBaseImagesWithDefaultArgs: with the global ARGs' defaults alone (no --build-arg), each FROM must
        /// still name a valid image. An expansion error abandons the rule, as in BuildKit.
        /// </summary>
        public void FromDefaults()
        {
            Dictionary<string, string> environment = PredefinedArgs.Of(options, Stages[^1].From.StageName);
            try
            {
                foreach (ArgDeclaration declaration in _globalArgs.SelectMany(a => a.Declarations))
                {
                    if (declaration.DefaultValue is { } value) environment[declaration.Name] = _lexer.ProcessWord(value, environment);
                }
                foreach (CheckedStage stage in Stages)
                {
                    string name = _lexer.ProcessWord(stage.From.BaseName, environment);
                    if (!ImageReference.TryParse(name, out _))
                        Report(CheckRules.InvalidDefaultArgInFrom, $"Default value for ARG {stage.From.BaseName} results in empty or invalid base image name", stage.From.Syntax);
                }
            }
            catch (ShellExpansionException)
            {
            }
        }

        /// <summary>
        /// Each FROM with the global ARGs of the build (buildMetaArgs with --build-arg): UndefinedArgInFrom for
        /// names no global ARG declares, RedundantTargetPlatform and FromPlatformFlagConstDisallowed.
        /// </summary>
        public void FromArguments()
        {
            var environment = PredefinedArgs.Of(options, Stages[^1].From.StageName);
            foreach (ArgInstruction arg in _globalArgs)
            {
                foreach (ArgDeclaration declaration in arg.Declarations)
                {
                    _declaredGlobalArgs.Add(declaration.Name);
                    string? value = options.BuildArgs.TryGetValue(declaration.Name, out string? given) ? given : declaration.DefaultValue;
                    if (!options.BuildArgs.ContainsKey(declaration.Name) && value is not null)
                    {
                        try { value = _lexer.ProcessWord(value, environment); }
                        catch (ShellExpansionException) { return; } // conversion reports it
                    }
                    if (value is not null) environment[declaration.Name] = value;
                }
            }
            _globalEnvironment = environment;
            // unusedFromArgsCheckKeys: every declared global ARG, with or without a value, and every predefined one.
            List<string> known = [.. _declaredGlobalArgs.Concat(environment.Keys).Distinct(StringComparer.Ordinal)];
            foreach (CheckedStage stage in Stages)
            {
                FromInstruction from = stage.From;
                ExpandFrom(from.BaseName, known, from.Syntax, out _);
                if (from.Platform is null) continue;
                var used = new HashSet<string>(StringComparer.Ordinal);
                if (ExpandFrom(from.Platform, known, from.Syntax, out List<string> unset, used) is not { } platform) continue;
                if (used.Count == 1 && unset.Count == 0 && used.Contains("TARGETPLATFORM") && platform == environment["TARGETPLATFORM"])
                    Report(CheckRules.RedundantTargetPlatform, $"Setting platform to predefined {from.Platform} in FROM is redundant as this is the default behavior", from.Syntax);
                if (used.Count == 0 && unset.Count == 0 && Oci.Platform.TryParse(platform, out Oci.Platform? constant)
                    && !stage.Name.Contains(constant.OS, StringComparison.Ordinal) && !stage.Name.Contains(constant.Architecture, StringComparison.Ordinal))
                    Report(CheckRules.FromPlatformFlagConstDisallowed, $"FROM --platform flag should not use constant value {GoQuote(platform)}", from.Syntax);
            }
        }

        // reportUnusedFromArgs: a name FROM uses that no global ARG declares, with BuildKit's suggestion.
        private string? ExpandFrom(string word, List<string> known, InstructionSyntax at, out List<string> unset, HashSet<string>? used = null)
        {
            unset = [];
            string? result;
            try { result = _lexer.ProcessWord(word, _globalEnvironment, used, unset); }
            catch (ShellExpansionException) { result = null; }
            foreach (string name in unset.Where(n => !known.Contains(n, StringComparer.Ordinal)))
            {
                string? suggestion = NearestWord.Search(name, known, caseSensitive: true);
                Report(CheckRules.UndefinedArgInFrom, $"FROM argument '{name}' is not declared" + (suggestion is null ? "" : $" (did you mean {suggestion}?)"), at);
            }
            return result;
        }

        /// <summary>
        /// Walks the stages the target reaches (or all of them) in order, with each one's variables in scope, as
        /// BuildKit's dispatch does.
        /// </summary>
        public async Task DispatchAsync(bool allStages, IImageConfigResolver? resolver, CancellationToken cancellationToken)
        {
            int target = Stages.Count - 1;
            if (options.Target is { } wanted)
            {
                target = Stages.FindIndex(s => string.Equals(s.Name, wanted, StringComparison.OrdinalIgnoreCase));
                if (target < 0) return; // conversion reports the unknown target
            }
            for (int i = 0; i < Stages.Count; i++) Link(Stages[i]);
            HashSet<int> reached = Reachable(target);
            for (int i = 0; i < Stages.Count; i++)
            {
                if (!allStages && !reached.Contains(i)) continue;
                await DispatchStageAsync(Stages[i], i, allStages || reached.Contains(i), resolver, cancellationToken).ConfigureAwait(false);
            }
        }

        // The stage a FROM, --from or from= names: by name (case-insensitively) or by index; -1 for an image.
        private int FindStage(string reference)
        {
            if (options.NamedContexts.ContainsKey(reference)) return -1;
            int byName = Stages.FindIndex(s => s.Name.Length > 0 && string.Equals(s.Name, reference, StringComparison.OrdinalIgnoreCase));
            if (byName >= 0) return byName;
            return int.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < Stages.Count ? index : -1;
        }

        private void Link(CheckedStage stage)
        {
            try
            {
                string baseName = _lexer.ProcessWord(stage.From.BaseName, _globalEnvironment);
                if (!int.TryParse(baseName, out _)) stage.BaseStage = FindStage(baseName);
            }
            catch (ShellExpansionException)
            {
            }
            foreach (Instruction instruction in stage.Commands)
            {
                IEnumerable<string?> references = instruction switch
                {
                    CopyInstruction copy => [copy.From],
                    RunInstruction run => run.Mounts.Select(m => m.Options.GetValueOrDefault("from")),
                    _ => [],
                };
                foreach (string? reference in references)
                {
                    if (reference is not null && FindStage(reference) is >= 0 and int found) stage.Dependencies.Add(found);
                }
            }
        }

        private HashSet<int> Reachable(int target)
        {
            var reached = new HashSet<int>();
            var pending = new Stack<int>([target]);
            while (pending.Count > 0)
            {
                int index = pending.Pop();
                if (!reached.Add(index)) continue;
                CheckedStage stage = Stages[index];
                if (stage.BaseStage >= 0) pending.Push(stage.BaseStage);
                foreach (int dependency in stage.Dependencies) pending.Push(dependency);
            }
            return reached;
        }

        private async Task DispatchStageAsync(CheckedStage stage, int index, bool reachable, IImageConfigResolver? resolver, CancellationToken cancellationToken)
        {
            Oci.Platform platform = options.TargetPlatform;
            if (stage.From.Platform is { } written)
            {
                try
                {
                    if (Oci.Platform.TryParse(_lexer.ProcessWord(written, _globalEnvironment), out Oci.Platform? parsed)) platform = parsed;
                }
                catch (ShellExpansionException)
                {
                }
            }
            if (stage.BaseStage >= 0 && stage.BaseStage != index)
            {
                stage.InheritFrom(Stages[stage.BaseStage]);
            }
            else if (await BaseConfigAsync(stage, platform, resolver, cancellationToken).ConfigureAwait(false) is { } config)
            {
                foreach (string variable in config.Config.Env)
                {
                    int equals = variable.IndexOf('=', StringComparison.Ordinal);
                    if (equals > 0) stage.Environment[variable[..equals]] = variable[(equals + 1)..];
                    else stage.Environment[variable] = string.Empty;
                }
                stage.HasShell = !config.Config.Shell.IsDefaultOrEmpty;
                // validateBaseImagePlatform: only for stages the target reaches.
                if (reachable && (config.OS != platform.OS || config.Architecture != platform.Architecture))
                {
                    Report(CheckRules.InvalidBaseImagePlatform,
                        $"Base image {_lexer.ProcessWord(stage.From.BaseName, _globalEnvironment)} was pulled with platform {GoQuote(config.Platform.ToString())}, expected {GoQuote(platform.ToString())} for current build",
                        stage.From.Syntax);
                }
            }
            stage.Environment.TryAdd("PATH", DefaultPath);
            stage.Dispatched = true;
            foreach (Instruction instruction in stage.Commands) Dispatch(stage, instruction);
        }

        // The config of the image a stage starts from; null for scratch, a named context, or when it cannot be had
        // (conversion then reports why).
        private async Task<ImageConfig?> BaseConfigAsync(CheckedStage stage, Oci.Platform platform, IImageConfigResolver? resolver, CancellationToken cancellationToken)
        {
            if (resolver is null) return null;
            string name;
            try { name = _lexer.ProcessWord(stage.From.BaseName, _globalEnvironment); }
            catch (ShellExpansionException) { return null; }
            if (name.Equals("scratch", StringComparison.OrdinalIgnoreCase) || options.NamedContexts.ContainsKey(name)
                || !ImageReference.TryParse(name, out ImageReference? image))
                return null;
            try
            {
                return (await resolver.ResolveAsync(image, platform, cancellationToken).ConfigureAwait(false)).Config;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return null;
            }
        }

        private void Dispatch(CheckedStage stage, Instruction instruction)
        {
            InstructionSyntax syntax = instruction.Syntax;
            switch (instruction)
            {
                case ArgInstruction arg:
                    foreach (ArgDeclaration declaration in arg.Declarations)
                    {
                        SecretName("ARG", declaration.Name, syntax);
                        string? value;
                        if (options.BuildArgs.TryGetValue(declaration.Name, out string? given)) value = given;
                        else if (declaration.DefaultValue is { } fallback) value = Expand(stage, fallback, syntax);
                        else value = _globalEnvironment.GetValueOrDefault(declaration.Name);
                        if (value is not null && !NonEnvironmentArgs.Contains(declaration.Name)) stage.Environment[declaration.Name] = value;
                        stage.DeclaredArgs.Add(declaration.Name);
                    }
                    break;
                case EnvInstruction:
                    foreach ((string key, string value, bool legacy) in KeyValues(stage, syntax))
                    {
                        if (legacy) Report(CheckRules.LegacyKeyValueFormat, LegacyMessage(syntax.Keyword), syntax);
                        SecretName("ENV", key, syntax);
                        stage.Environment[key] = value;
                    }
                    break;
                case LabelInstruction:
                    foreach ((_, _, bool legacy) in KeyValues(stage, syntax))
                    {
                        if (legacy) Report(CheckRules.LegacyKeyValueFormat, LegacyMessage(syntax.Keyword), syntax);
                    }
                    break;
                case CopyInstruction copy:
                    ExpandAll(stage, syntax, [copy.Chown ?? "", copy.Chmod ?? ""]);
                    CopySources(stage, syntax, copy.Sources, copy.Destination, copy.From is null ? "Copy" : null);
                    break;
                case AddInstruction add:
                    ExpandAll(stage, syntax, [add.Chown ?? "", add.Chmod ?? "", add.Checksum ?? ""]);
                    CopySources(stage, syntax, add.Sources, add.Destination, "Add");
                    break;
                case WorkdirInstruction workdir:
                    string path = Expand(stage, workdir.Path, syntax) ?? workdir.Path;
                    // Only the first WORKDIR of a stage (or the stages below it) is checked: fixing it fixes the rest.
                    if (!stage.WorkdirSet && !path.StartsWith('/'))
                        Report(CheckRules.WorkdirRelativePath, $"Relative workdir {GoQuote(path)} can have unexpected results if the base image changes", syntax);
                    stage.WorkdirSet = true;
                    break;
                case RunInstruction run:
                    foreach (MountSpec mount in run.Mounts)
                        ExpandAll(stage, syntax, [.. mount.Options.Values]);
                    break;
                case UserInstruction user:
                    Expand(stage, user.User, syntax);
                    break;
                case VolumeInstruction volume:
                    ExpandAll(stage, syntax, volume.Paths);
                    break;
                case StopSignalInstruction stop:
                    Expand(stage, stop.Signal, syntax);
                    break;
                case ExposeInstruction expose:
                    Expose(stage, expose);
                    break;
                case CmdInstruction cmd:
                    stage.LastCmd = UsedOnce(stage.LastCmd, syntax);
                    if (cmd.Command.IsShellForm && !stage.HasShell) Report(CheckRules.JsonArgsRecommended, JsonArgsMessage(syntax.Keyword), syntax);
                    break;
                case EntrypointInstruction entrypoint:
                    stage.LastEntrypoint = UsedOnce(stage.LastEntrypoint, syntax);
                    if (entrypoint.Command.IsShellForm && !stage.HasShell) Report(CheckRules.JsonArgsRecommended, JsonArgsMessage(syntax.Keyword), syntax);
                    break;
                case HealthcheckInstruction:
                    stage.LastHealthcheck = UsedOnce(stage.LastHealthcheck, syntax);
                    break;
                case ShellInstruction shell:
                    stage.HasShell = !shell.Shell.IsDefaultOrEmpty;
                    break;
            }
        }

        private static string LegacyMessage(string keyword) => $"\"{keyword} key=value\" should be used instead of legacy \"{keyword} key value\" format";

        private static string JsonArgsMessage(string keyword) => $"JSON arguments recommended for {keyword} to prevent unintended behavior related to OS signals";

        // validateUsedOnce: the earlier instruction is reported, since it is the one that has no effect.
        private InstructionSyntax UsedOnce(InstructionSyntax? previous, InstructionSyntax current)
        {
            if (previous is not null)
                Report(CheckRules.MultipleInstructionsDisallowed,
                    $"Multiple {current.Keyword} instructions should not be used in the same stage because only the last one will be used", previous);
            return current;
        }

        // ENV and LABEL: each key and value is expanded (with the variables before the instruction), then used.
        private List<(string Key, string Value, bool Legacy)> KeyValues(CheckedStage stage, InstructionSyntax syntax)
        {
            var pairs = new List<(string, string, bool)>();
            for (int i = 0; i + 2 < syntax.Arguments.Length; i += 3)
            {
                string key = Expand(stage, syntax.Arguments[i].Value, syntax) ?? syntax.Arguments[i].Value;
                string value = Expand(stage, syntax.Arguments[i + 1].Value, syntax) ?? syntax.Arguments[i + 1].Value;
                pairs.Add((key, value, syntax.Arguments[i + 2].Value.Length == 0));
            }
            return pairs;
        }

        private void SecretName(string instruction, string name, InstructionSyntax syntax)
        {
            if (SecretPattern().IsMatch(name) && !PublicPattern().IsMatch(name))
                Report(CheckRules.SecretsUsedInArgOrEnv, $"Do not use ARG or ENV instructions for sensitive data ({instruction} {GoQuote(name)})", syntax);
        }

        // COPY/ADD: the source paths, then the destination, then here-documents that expand (BuildKit's ExpandRaw,
        // which keeps quotes); with the experimental CopyIgnoredFile, each context source .dockerignore excludes.
        private void CopySources(CheckedStage stage, InstructionSyntax syntax, ImmutableArray<CopySource> sources, string destination, string? fromContext)
        {
            var paths = new List<string>();
            foreach (CopySource source in sources.Where(s => s.Heredoc is null))
                paths.Add(Expand(stage, source.Path, syntax) ?? source.Path);
            Expand(stage, destination, syntax);
            foreach (Heredoc heredoc in sources.Select(s => s.Heredoc).OfType<Heredoc>().Where(h => h.Expand))
                Expand(stage, heredoc.Content, syntax, _heredocLexer);
            if (fromContext is null || !config.IsEnabled(CheckRules.CopyIgnoredFile) || options.IgnorePatterns.IsDefaultOrEmpty) return;
            PatternMatcher matcher;
            try { matcher = new PatternMatcher(options.IgnorePatterns.Select(PathPattern.Create).OfType<PathPattern>()); }
            catch (PatternException) { return; }
            foreach (string path in paths)
            {
                if (fromContext == "Add" && (path.StartsWith("http://", StringComparison.Ordinal) || path.StartsWith("https://", StringComparison.Ordinal))) continue;
                if (matcher.MatchesOrParentMatches(path))
                    Report(CheckRules.CopyIgnoredFile, $"Attempting to {fromContext} file {GoQuote(path)} that is excluded by .dockerignore", syntax);
            }
        }

        // EXPOSE: its words are expanded without the UndefinedVar check (dispatchExpose), then each port is read as
        // [ip:][hostPort:]containerPort[/proto] (convert_expose.go).
        private void Expose(CheckedStage stage, ExposeInstruction expose)
        {
            foreach (string word in expose.Ports)
            {
                ImmutableArray<string> ports;
                try { ports = _lexer.ProcessWords(word, stage.Environment); }
                catch (ShellExpansionException) { return; }
                foreach (string port in ports)
                {
                    string[] parts = port.Split(':');
                    (string ip, string hostPort, string containerPort) = parts.Length switch
                    {
                        1 => ("", "", parts[0]),
                        2 => ("", parts[0], parts[1]),
                        3 => (parts[0], parts[1], parts[2]),
                        _ => (string.Join(':', parts[..^2]), parts[^2], parts[^1]),
                    };
                    int slash = containerPort.IndexOf('/', StringComparison.Ordinal);
                    string number = slash < 0 ? containerPort : containerPort[..slash];
                    string protocol = slash < 0 ? "" : containerPort[(slash + 1)..];
                    // An empty port or unknown protocol is conversion's error, found before the checks in BuildKit.
                    if (number.Length == 0 || protocol.ToLowerInvariant() is not ("" or "tcp" or "udp" or "sctp")) return;
                    if (protocol != protocol.ToLowerInvariant())
                        Report(CheckRules.ExposeProtoCasing, $"Defined protocol '{port}' in EXPOSE instruction should be lowercase", expose.Syntax);
                    if (ip.Length > 0 || hostPort.Length > 0)
                        Report(CheckRules.ExposeInvalidFormat, $"EXPOSE instruction should not define an IP address or host-port mapping, found '{port}'", expose.Syntax);
                }
            }
        }

        private void ExpandAll(CheckedStage stage, InstructionSyntax syntax, IEnumerable<string> words)
        {
            foreach (string word in words) Expand(stage, word, syntax);
        }

        /// <summary>
        /// Expands one word with the stage's variables and reports each undefined one (reportUnmatchedVariables):
        /// names the stage declared with ARG and the build's own ARGs are not reported. Null when it cannot be expanded.
        /// </summary>
        private string? Expand(CheckedStage stage, string word, InstructionSyntax syntax, ShellLexer? lexer = null)
        {
            var unset = new List<string>();
            string? result;
            try { result = (lexer ?? _lexer).ProcessWord(word, stage.Environment, null, unset); }
            catch (ShellExpansionException) { result = null; }
            foreach (string name in unset)
            {
                if (stage.DeclaredArgs.Contains(name) || NonEnvironmentArgs.Contains(name)) continue;
                string? suggestion = NearestWord.Search(name, stage.Environment.Keys, caseSensitive: true);
                Report(CheckRules.UndefinedVar, $"Usage of undefined variable '${name}'" + (suggestion is null ? "" : $" (did you mean ${suggestion}?)"), syntax);
            }
            return result;
        }
    }

    /// <summary>Go's <c>%q</c> of a string: double quotes, with <c>\</c>, <c>"</c> and control characters escaped.</summary>
    internal static string GoQuote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (char c in value)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return quoted.Append('"').ToString();
    }
}
