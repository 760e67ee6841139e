using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Instructions;
using Builder.Frontend.Syntax;
using Builder.Graph;
using Builder.Oci;

namespace Builder.Frontend.Conversion;

/// <summary>Converts RUN into an <see cref="ExecStep"/> on the stage's filesystem, with its mounts and heredocs.</summary>
internal sealed class RunConverter(DockerfileConverter dockerfile, StageState stage)
{
    private const string HeredocDirectory = "/dev/pipes/";

    public async Task ConvertAsync(RunInstruction run, CancellationToken cancellationToken)
    {
        Platform build = dockerfile.Options.BuildPlatform;
        if (stage.Platform.OS != build.OS || stage.Platform.Architecture != build.Architecture)
        {
            // BuildKit runs such a RUN under a binfmt_misc emulator (QEMU) and fails with "exec format error" where there
            // is none; imgbuild runs no emulator yet, so it says so before anything runs.
            throw InstructionErrors.At(run.Syntax, DiagnosticCodes.NotSupportedYet,
                $"not supported yet: RUN for {stage.Platform} needs emulation (this machine builds {build}, and imgbuild runs no binfmt_misc emulator)",
                "build this stage FROM --platform=$BUILDPLATFORM and cross-compile for $TARGETARCH, or build only for " + build);
        }
        var expand = new WordExpander(dockerfile.Lexer, stage.ExpansionEnvironment(), run);
        var inputs = ImmutableArray.CreateBuilder<BuildStep>();
        inputs.Add(stage.Root);
        var mounts = ImmutableArray.CreateBuilder<ExecMount>();
        ImmutableArray<string> args = Arguments(run, inputs, mounts);

        int sshCount = 0;
        foreach (MountSpec spec in run.Mounts)
        {
            mounts.Add(await MountAsync(run, spec, expand, inputs, sshCount, cancellationToken).ConfigureAwait(false));
            if (spec.Type == MountType.Ssh) sshCount++;
        }
        // --shm-size: BuildKit's dockerfile2llb adds a tmpfs of that size on /dev/shm to every RUN (convert.go,
        // dispatchRun), after the RUN's own mounts.
        if (dockerfile.Options.ShmSize is > 0 and { } shmSize)
            mounts.Add(new TmpfsMount("/dev/shm") { Size = shmSize });

        stage.Root = new ExecStep(args, stage.RunEnvironment(dockerfile.Options.BuildArgs), stage.WorkingDirectory, stage.Config.User ?? string.Empty)
        {
            Inputs = inputs.ToImmutable(),
            Mounts = mounts.ToImmutable(),
            Network = expand.Optional(run.Network) switch { "none" => NetworkMode.None, "host" => NetworkMode.Host, _ => dockerfile.Options.DefaultNetwork },
            Security = run.Security == "insecure" ? SecurityMode.Insecure : SecurityMode.Sandbox,
            ExtraHosts = dockerfile.Options.ExtraHosts,
            Ulimits = dockerfile.Options.Ulimits,
            Origin = dockerfile.Origin(run, stage),
        };
        stage.AddHistory(run, "RUN " + string.Join(' ', args) + " # buildkit", emptyLayer: false);
    }

    // BuildKit's dispatchRun: "RUN <<EOF" alone runs the body as a script file; other heredocs are appended to
    // the command line so the shell reads them as here-documents.
    private ImmutableArray<string> Arguments(RunInstruction run, ImmutableArray<BuildStep>.Builder inputs, ImmutableArray<ExecMount>.Builder mounts)
    {
        CommandLine command = run.Command;
        if (!command.IsShellForm) return command.Words;
        string line = command.Words.IsEmpty ? string.Empty : command.Words[0];
        ImmutableArray<Heredoc> heredocs = command.Heredocs;
        if (heredocs.Length == 1 && HeredocMarkers.TryParse(line.Trim(), out _))
        {
            Heredoc script = heredocs[0];
            string content = script.ChompedContent;
            // BuildKit looks for the shebang before chomping: under <<-, a tab-indented "#!" runs with the shell.
            if (!script.Content.StartsWith("#!", StringComparison.Ordinal)) return [.. stage.Shell, content];
            string path = HeredocDirectory + script.Name;
            var file = new FileStep([new MkfileAction("/" + script.Name, 0b111_101_101, [.. Encoding.UTF8.GetBytes(content)])])
            {
                Inputs = [new ScratchStep()], Origin = dockerfile.Origin(run, stage),
            };
            inputs.Add(file);
            mounts.Add(new BindMount(inputs.Count - 1, "/" + script.Name, path));
            return [path];
        }
        if (heredocs.IsEmpty) return [.. stage.Shell, line];
        var text = new StringBuilder(line);
        foreach (Heredoc heredoc in heredocs)
        {
            text.Append('\n').Append(heredoc.Content).Append(heredoc.Name);
        }
        return [.. stage.Shell, text.Append('\n').ToString()];
    }

    private async Task<ExecMount> MountAsync(RunInstruction run, MountSpec spec, WordExpander expand,
        ImmutableArray<BuildStep>.Builder inputs, int sshIndex, CancellationToken cancellationToken)
    {
        string? Option(string key) => expand.Optional(spec[key]);
        string? target = Option("target") is string t ? stage.ResolvePath(t) : null;
        bool readWrite = Option("readwrite") is string rw && Flag(run, spec, "readwrite", rw);

        switch (spec.Type)
        {
            case MountType.Bind:
            {
                string source = Option("source") ?? "/";
                BuildStep from = Option("from") is string reference
                    ? await dockerfile.SourceAsync(reference, run, stage, cancellationToken).ConfigureAwait(false)
                    : new ContextSourceStep(dockerfile.Options.ContextName, [CleanContextPath(source)], dockerfile.Options.IgnorePatterns);
                inputs.Add(from);
                return new BindMount(inputs.Count - 1, source, target!) { ReadOnly = Option("readonly") is string ro ? Flag(run, spec, "readonly", ro) : !readWrite };
            }
            case MountType.Cache:
            {
                int? fromInput = null;
                if (Option("from") is string reference)
                {
                    inputs.Add(await dockerfile.SourceAsync(reference, run, stage, cancellationToken).ConfigureAwait(false));
                    fromInput = inputs.Count - 1;
                }
                string sharing = Option("sharing") ?? "shared";
                CacheSharing cacheSharing = sharing switch
                {
                    "shared" => CacheSharing.Shared, "private" => CacheSharing.Private, "locked" => CacheSharing.Locked,
                    _ => throw Error(run, spec, $"unknown cache sharing mode '{sharing}'", "valid: sharing=shared, private or locked"),
                };
                return new CacheMount(Option("id") ?? target!, target!)
                {
                    Sharing = cacheSharing, ReadOnly = Option("readonly") is string r && Flag(run, spec, "readonly", r),
                    FromInput = fromInput, Source = Option("source"), Mode = Mode(run, spec, Option("mode"), 0b111_101_101),
                    Uid = Id(run, spec, "uid", Option("uid")), Gid = Id(run, spec, "gid", Option("gid")),
                };
            }
            case MountType.Tmpfs:
                return new TmpfsMount(target!) { Size = Option("size") is string size ? Size(run, spec, size) : null };
            case MountType.Secret:
            {
                string? env = Option("env");
                string id = Option("id") ?? (target is not null ? target.Split('/').Last() : env!);
                return new SecretMount(id)
                {
                    Target = target ?? (env is null ? "/run/secrets/" + id : null), Env = env,
                    Required = Option("required") is string required && Flag(run, spec, "required", required),
                    Mode = Mode(run, spec, Option("mode"), 0b100_000_000),
                    Uid = Id(run, spec, "uid", Option("uid")), Gid = Id(run, spec, "gid", Option("gid")),
                };
            }
            default:
                return new SshMount(Option("id") ?? SshMount.DefaultId)
                {
                    Target = target ?? "/run/buildkit/ssh_agent." + sshIndex.ToString(CultureInfo.InvariantCulture),
                    Required = Option("required") is string sshRequired && Flag(run, spec, "required", sshRequired),
                    Mode = Mode(run, spec, Option("mode"), 0b110_000_000),
                    Uid = Id(run, spec, "uid", Option("uid")), Gid = Id(run, spec, "gid", Option("gid")),
                };
        }
    }

    private static string CleanContextPath(string source) => UnixPath.Clean("/" + source).TrimStart('/') is { Length: > 0 } p ? p : ".";

    private static bool Flag(RunInstruction run, MountSpec spec, string key, string value) =>
        bool.TryParse(value, out bool result) ? result
            : throw Error(run, spec, $"--mount {key} takes true or false, not '{value}'", $"write {key} or {key}=false");

    private static int Mode(RunInstruction run, MountSpec spec, string? value, int fallback)
    {
        if (value is null) return fallback;
        try
        {
            return Convert.ToInt32(value, 8);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw Error(run, spec, $"--mount mode '{value}' is not an octal number", "write mode=0755");
        }
    }

    private static int Id(RunInstruction run, MountSpec spec, string key, string? value) =>
        value is null ? 0
            : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id
            : throw Error(run, spec, $"--mount {key} '{value}' is not a number", $"write {key}=1000");

    // go-units RAMInBytes, as BuildKit reads tmpfs size: a number with an optional b, k, m, g, t suffix (powers of 1024).
    private static long Size(RunInstruction run, MountSpec spec, string value)
    {
        string text = value.Trim().ToLowerInvariant().TrimEnd('b', 'i');
        long multiplier = 1;
        if (text.Length > 0 && "kmgtp".IndexOf(text[^1]) is int unit and >= 0)
        {
            multiplier = 1L << (10 * (unit + 1));
            text = text[..^1];
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || number < 0)
        {
            throw Error(run, spec, $"--mount size '{value}' is not a size", "write size=64m or size=1g");
        }
        return (long)(number * multiplier);
    }

    private static DockerfileException Error(RunInstruction run, MountSpec spec, string message, string hint) =>
        InstructionErrors.At(run.Syntax, spec.Word, DiagnosticCodes.InvalidFlagValue, message, hint);
}
