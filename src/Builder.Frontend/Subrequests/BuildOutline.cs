using System.Collections.Immutable;
using Builder.Frontend.Conversion;
using Builder.Frontend.Expansion;
using Builder.Frontend.Instructions;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Subrequests;

/// <summary>
/// What a target needs from whoever builds it, as <c>--call outline</c> shows it (BuildKit's outline.Outline,
/// dockerfile2llb/outline.go): the build arguments its stages use, with their values and descriptions, and the
/// secrets and SSH agents its RUN mounts ask for. Lists are in line order.
/// </summary>
/// <param name="Name">The target stage's name, or "".</param>
/// <param name="Description">The target stage's description (<c># NAME text</c> above its FROM), or "".</param>
/// <param name="Args">The build arguments the target's stages use.</param>
/// <param name="Secrets">The secrets (<c>RUN --mount=type=secret</c>) they ask for.</param>
/// <param name="Ssh">The SSH agents (<c>RUN --mount=type=ssh</c>) they ask for.</param>
public sealed record BuildOutline(string Name, string Description, ImmutableArray<OutlineArg> Args,
    ImmutableArray<OutlineMount> Secrets, ImmutableArray<OutlineMount> Ssh)
{
    /// <summary>The outline of <paramref name="options"/>' target (the last stage when it names none).</summary>
    public static BuildOutline Of(DockerfileSyntax dockerfile, ConversionOptions options)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        ArgumentNullException.ThrowIfNull(options);
        var lexer = new ShellLexer(dockerfile.Directives.EscapeToken);
        var globalArgs = new List<ArgInstruction>();
        var stages = new List<(FromInstruction From, List<Instruction> Commands)>();
        foreach (Instruction instruction in InstructionParser.Parse(dockerfile))
        {
            if (instruction is FromInstruction from) stages.Add((from, []));
            else if (stages.Count > 0) stages[^1].Commands.Add(instruction);
            else if (instruction is ArgInstruction arg) globalArgs.Add(arg);
        }
        if (stages.Count == 0) return new BuildOutline("", "", [], [], []);

        // buildMetaArgs: each global ARG's value (--build-arg, else its default expanded), and the ARGs its default reads.
        Dictionary<string, string> environment = PredefinedArgs.Of(options, stages[^1].From.StageName);
        var globals = new Dictionary<string, (OutlineArg Arg, HashSet<string> Reads)>(StringComparer.Ordinal);
        foreach (ArgInstruction arg in globalArgs)
        {
            foreach (ArgDeclaration declaration in arg.Declarations)
            {
                var reads = new HashSet<string>(StringComparer.Ordinal);
                string? value = options.BuildArgs.TryGetValue(declaration.Name, out string? given) ? given
                    : declaration.DefaultValue is { } fallback ? Expand(lexer, fallback, environment, reads) : null;
                if (reads.Remove(declaration.Name) && globals.TryGetValue(declaration.Name, out var earlier)) reads.UnionWith(earlier.Reads);
                if (value is not null) environment[declaration.Name] = value;
                globals[declaration.Name] = (new OutlineArg(declaration.Name, value ?? "", Describe(arg.Syntax, declaration.Name), arg.Syntax.Span.StartLine), reads);
            }
        }

        int FindStage(string reference) => options.NamedContexts.ContainsKey(reference) ? -1
            : stages.FindIndex(s => s.From.StageName is { } n && string.Equals(n, reference, StringComparison.OrdinalIgnoreCase)) is >= 0 and int found ? found
            : int.TryParse(reference, out int index) && index >= 0 && index < stages.Count ? index : -1;

        int target = options.Target is { } wanted ? stages.FindIndex(s => string.Equals(s.From.StageName, wanted, StringComparison.OrdinalIgnoreCase)) : stages.Count - 1;
        if (target < 0) target = stages.Count - 1;

        // Each stage's own captures, then the walk BuildKit's args/secrets/ssh do: the target, its base, its sources.
        var visitedArgs = new HashSet<string>(StringComparer.Ordinal);
        var visitedSecrets = new HashSet<string>(StringComparer.Ordinal);
        var visitedSsh = new HashSet<string>(StringComparer.Ordinal);
        var args = new List<OutlineArg>();
        var secrets = new List<OutlineMount>();
        var ssh = new List<OutlineMount>();
        var walked = new HashSet<int>();
        var pending = new Stack<int>([target]);
        var order = new List<int>();
        while (pending.Count > 0)
        {
            int index = pending.Pop();
            if (!walked.Add(index)) continue;
            order.Add(index);
            (FromInstruction from, List<Instruction> commands) = stages[index];
            var used = new List<string>();
            var all = globals.ToDictionary(g => g.Key, g => g.Value, StringComparer.Ordinal);
            var fromReads = new HashSet<string>(StringComparer.Ordinal);
            string baseName = Expand(lexer, from.BaseName, environment, fromReads) ?? from.BaseName;
            if (from.Platform is { } platform) Expand(lexer, platform, environment, fromReads);
            used.AddRange(fromReads);
            var stageEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);
            var dependencies = new List<int>();
            foreach (Instruction instruction in commands)
            {
                switch (instruction)
                {
                    case ArgInstruction arg:
                        foreach (ArgDeclaration declaration in arg.Declarations)
                        {
                            bool given = options.BuildArgs.TryGetValue(declaration.Name, out string? value);
                            if (!given && declaration.DefaultValue is null && environment.TryGetValue(declaration.Name, out string? global))
                            {
                                stageEnvironment[declaration.Name] = global; // inherited: the global ARG's own entry stays
                            }
                            else
                            {
                                if (!given && declaration.DefaultValue is { } fallback) value = Expand(lexer, fallback, stageEnvironment, null);
                                if (value is not null) stageEnvironment[declaration.Name] = value;
                                all[declaration.Name] = (new OutlineArg(declaration.Name, value ?? "", Describe(arg.Syntax, declaration.Name), arg.Syntax.Span.StartLine), []);
                            }
                            used.Add(declaration.Name);
                        }
                        break;
                    case EnvInstruction env:
                        foreach (KeyValue variable in env.Variables)
                            stageEnvironment[variable.Key] = Expand(lexer, variable.Value, stageEnvironment, null) ?? variable.Value;
                        break;
                    case CopyInstruction { From: { } source } when FindStage(source) is >= 0 and int stage:
                        dependencies.Add(stage);
                        break;
                    case RunInstruction run:
                        foreach (MountSpec mount in run.Mounts)
                        {
                            if (mount["from"] is { } mountSource && FindStage(mountSource) is >= 0 and int mountStage) dependencies.Add(mountStage);
                            bool required = mount["required"] is { } r && (r.Length == 0 || bool.TryParse(r, out bool yes) && yes);
                            if (mount.Type == MountType.Secret)
                            {
                                string id = mount["source"] ?? mount["id"] ?? Path.GetFileName(mount["target"] ?? "");
                                if (visitedSecrets.Add(id)) secrets.Add(new OutlineMount(id, required, run.Syntax.Span.StartLine));
                            }
                            else if (mount.Type == MountType.Ssh)
                            {
                                string id = mount["id"] is { Length: > 0 } sshId ? sshId : "default";
                                if (visitedSsh.Add(id)) ssh.Add(new OutlineMount(id, required, run.Syntax.Span.StartLine));
                            }
                        }
                        break;
                }
            }
            // markAllUsed: a used global ARG's default reads other ARGs, which are used too.
            var marked = new HashSet<string>(StringComparer.Ordinal);
            var toMark = new Stack<string>(used);
            while (toMark.Count > 0)
            {
                string name = toMark.Pop();
                if (!marked.Add(name)) continue;
                if (all.TryGetValue(name, out var info)) foreach (string read in info.Reads) toMark.Push(read);
            }
            foreach (string name in marked.Order(StringComparer.Ordinal))
            {
                if (all.TryGetValue(name, out var info) && visitedArgs.Add(name)) args.Add(info.Arg);
            }
            // Sources after the base, as BuildKit walks them (pushed in reverse so the base is taken first).
            foreach (int dependency in Enumerable.Reverse(dependencies)) pending.Push(dependency);
            if (!int.TryParse(baseName, out _) && FindStage(baseName) is >= 0 and int parent) pending.Push(parent);
        }
        (FromInstruction targetFrom, _) = stages[target];
        return new BuildOutline(targetFrom.StageName ?? "", StageTarget.List(dockerfile)[target].Description,
            [.. args.OrderBy(a => a.Line)], [.. secrets.OrderBy(s => s.Line)], [.. ssh.OrderBy(s => s.Line)]);
    }

    private static string? Expand(ShellLexer lexer, string word, Dictionary<string, string> environment, HashSet<string>? reads)
    {
        try { return lexer.ProcessWord(word, environment, reads); }
        catch (ShellExpansionException) { return null; }
    }

    // instructions.getComment: the first comment line above the ARG that starts with its name and a space.
    private static string Describe(InstructionSyntax syntax, string name) =>
        syntax.Comments.FirstOrDefault(c => c.StartsWith(name + " ", StringComparison.Ordinal)) is { } line ? line[(name.Length + 1)..] : "";
}
