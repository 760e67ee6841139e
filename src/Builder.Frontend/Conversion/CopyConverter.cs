using System.Collections.Immutable;
using System.Text;
using Builder.Oci;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Expansion;
using Builder.Frontend.Instructions;
using Builder.Graph;

namespace Builder.Frontend.Conversion;

/// <summary>
/// Converts COPY and ADD into a <see cref="FileStep"/>: one copy action per source, reading from the build
/// context (only the paths the instruction names, less .dockerignore and --exclude), another stage, an image, a
/// URL, a git repository, or a heredoc written into a scratch file.
/// </summary>
internal sealed class CopyConverter(DockerfileConverter dockerfile, StageState stage)
{
    private static readonly ShellLexer HeredocLexer = new('\\', ShellLexerOptions.Heredoc);

    public Task ConvertAsync(CopyInstruction copy, CancellationToken cancellationToken) =>
        ConvertAsync(copy, copy.Sources, copy.Destination, copy.From, copy.Chown, copy.Chmod, copy.Link, copy.Parents,
            copy.Excludes, checksum: null, keepGitDir: false, unpack: false, cancellationToken);

    public Task ConvertAsync(AddInstruction add, CancellationToken cancellationToken) =>
        ConvertAsync(add, add.Sources, add.Destination, null, add.Chown, add.Chmod, add.Link, parents: false,
            add.Excludes, add.Checksum, add.KeepGitDir, add.Unpack ?? true, cancellationToken);

    private async Task ConvertAsync(Instruction instruction, ImmutableArray<CopySource> sources, string destination,
        string? from, string? chown, string? chmod, bool link, bool parents, ImmutableArray<string> excludes,
        string? checksum, bool keepGitDir, bool unpack, CancellationToken cancellationToken)
    {
        bool isAdd = instruction is AddInstruction;
        var expand = new WordExpander(dockerfile.Lexer, stage.ExpansionEnvironment(), instruction);
        string dest = expand.Word(destination);
        string? owner = expand.Optional(chown);
        string? mode = expand.Optional(chmod);
        if (mode is not null && !FileModeSpec.TryParse(mode, out _))
        {
            throw Error(instruction, $"invalid --chmod '{mode}'", "write an octal mode (--chmod=0755) or a symbolic one (--chmod=u+rwx,go+rx)");
        }
        ImmutableArray<string> excluded = [.. excludes.Select(expand.Word)];
        // BuildKit has no rule for several sources (or a wildcard) onto a destination without a trailing '/': each
        // source is copied onto that path in turn (dispatchCopy, fsutil's copy.Copy), so the last one wins when it
        // is a file. "." (and "") name the working directory itself, as pathRelativeToWorkingDir's "./".
        if (dest is "." or "") dest = "./";
        else if (dest.EndsWith("/.", StringComparison.Ordinal)) dest = dest[..^1];
        if (link && mode is null && owner is not null && NeedsNameLookup(owner))
        {
            // --link copies onto an empty filesystem (llb.Scratch, merged later), which has no /etc/passwd or
            // /etc/group: BuildKit v0.24 marshals the name lookup with input -1 and fails the build with
            // "invalid user index: -1" (solver/llbsolver/ops/file.go). With --chmod it does not link, so it reads the stage's.
            throw Error(instruction, $"{instruction.Name} --link --chown={owner} needs a name looked up, and --link has no /etc/passwd or /etc/group to look it up in (BuildKit fails with 'invalid user index: -1')",
                "give numeric ids (--chown=1000:1000), or drop --link");
        }
        string resolvedDestination = stage.ResolvePath(dest);

        var inputs = ImmutableArray.CreateBuilder<BuildStep>();
        inputs.Add(stage.Root);
        var actions = ImmutableArray.CreateBuilder<FileAction>();
        FileOwner? fileOwner = owner is null ? null : ParseOwner(owner);

        // BuildKit's CopyInfo per kind of source (dispatchCopy): a heredoc, a download or a git checkout is copied
        // as one path, its directory itself rather than its contents, and no wildcard; files of the context or of
        // another stage are wildcards that may match nothing, links followed and a directory's contents copied.
        CopyAction Copy(int input, string source) => new(input, source, resolvedDestination)
        {
            Owner = fileOwner, Mode = mode, Link = link, ExcludePatterns = excluded, UnpackArchive = false,
            FollowSymlinks = false, CopyDirectoryContents = false, AllowWildcard = false, AllowEmptyWildcard = false,
        };
        CopyAction CopyFiles(int input, string source) => Copy(input, source) with
        {
            FollowSymlinks = true, CopyDirectoryContents = true, AllowWildcard = true, AllowEmptyWildcard = true,
        };

        int? sourceInput = null;
        var contextPaths = new List<string>();
        foreach (CopySource source in sources)
        {
            if (source.Heredoc is { } heredoc)
            {
                string content = heredoc.ChompedContent;
                if (heredoc.Expand)
                {
                    // SourcesAndDest.ExpandRaw: BuildKit's lexer with '\' whatever # escape= says, quotes left alone,
                    // escapes processed ("\$" gives "$", "\\" gives "\").
                    content = new WordExpander(HeredocLexer, stage.ExpansionEnvironment(), instruction).Word(content);
                }
                inputs.Add(new FileStep([new MkfileAction("/" + heredoc.Name, 0b110_100_100, [.. Encoding.UTF8.GetBytes(content)])])
                {
                    Inputs = [new ScratchStep()], Origin = dockerfile.Origin(instruction, stage),
                });
                actions.Add(Copy(inputs.Count - 1, "/" + heredoc.Name));
                continue;
            }

            string path = expand.Word(source.Path);
            if (isAdd && from is null && (path.StartsWith("http://", StringComparison.Ordinal) || path.StartsWith("https://", StringComparison.Ordinal))
                && !IsGit(path))
            {
                Digest? digest = checksum is null ? null : ParseChecksum(instruction, expand.Word(checksum));
                if (!Uri.TryCreate(path, UriKind.Absolute, out Uri? url))
                {
                    throw Error(instruction, $"'{path}' is not a valid URL", "write a full http(s) URL, for example https://example.com/app.tar.gz");
                }
                string fileName = url.Segments.Length > 0 && url.Segments[^1] != "/" ? Uri.UnescapeDataString(url.Segments[^1]) : "index.html";
                inputs.Add(new HttpSourceStep(url, digest, fileName) { Origin = dockerfile.Origin(instruction, stage) });
                actions.Add(Copy(inputs.Count - 1, "/" + fileName));
                continue;
            }
            if (isAdd && from is null && IsGit(path))
            {
                (string remote, string? reference, string? subdirectory) = SplitGit(path);
                inputs.Add(new GitSourceStep(remote, reference, keepGitDir, subdirectory) { Origin = dockerfile.Origin(instruction, stage) });
                actions.Add(Copy(inputs.Count - 1, "/"));
                continue;
            }
            if (checksum is not null)
            {
                throw Error(instruction, "--checksum applies only to http(s) sources", "remove --checksum, or add from a URL");
            }
            if (sourceInput is null)
            {
                if (from is not null)
                {
                    inputs.Add(await dockerfile.SourceAsync(expand.Word(from), instruction, stage, cancellationToken).ConfigureAwait(false));
                }
                else
                {
                    inputs.Add(new ContextSourceStep(dockerfile.Options.ContextName)); // replaced below with its include patterns
                }
                sourceInput = inputs.Count - 1;
            }
            if (from is null) contextPaths.Add(ContextPattern(instruction, path));
            ImmutableArray<string> include = [];
            if (parents)
            {
                // --parents copies from the root, or from the part before a "/./" pivot, keeping only what the rest
                // names (an include pattern, so "**" may match no directory at all): the source's directories up to
                // the pivot are left out, those after it are kept (dispatchCopy).
                int pivot = path.IndexOf("/./", StringComparison.Ordinal);
                string pattern = pivot < 0 ? path : path[(pivot + 3)..];
                path = pivot < 0 ? "/" : path[..pivot];
                include = [UnixPath.Clean("/" + pattern).TrimStart('/')];
            }
            actions.Add(CopyFiles(sourceInput.Value, UnixPath.Clean("/" + path)) with
            {
                UnpackArchive = isAdd && unpack, IncludePatterns = include,
            });
        }

        if (from is null && sourceInput is int contextInput)
        {
            // The context step names exactly what this instruction reads, so later caching hashes only that.
            // --exclude is not applied here: its patterns are relative to each copied source, not to the context.
            inputs[contextInput] = new ContextSourceStep(dockerfile.Options.ContextName, [.. contextPaths.Distinct()],
                [.. dockerfile.Options.IgnorePatterns]);
        }

        stage.Root = new FileStep(actions.ToImmutable()) { Inputs = inputs.ToImmutable(), Origin = dockerfile.Origin(instruction, stage) };
        stage.AddHistory(instruction, instruction.Syntax.Text.Trim() + " # buildkit", emptyLayer: false);
    }

    // Context paths are relative to the context root; ".." cannot leave it (BuildKit cleans them the same way).
    private static string ContextPattern(Instruction instruction, string path)
    {
        string clean = UnixPath.Clean("/" + path).TrimStart('/');
        return clean.Length == 0 ? "." : clean;
    }

    private static bool IsGit(string path) =>
        path.StartsWith("git@", StringComparison.Ordinal) || path.StartsWith("git://", StringComparison.Ordinal)
        || path.Split('#')[0].EndsWith(".git", StringComparison.Ordinal);

    // https://host/repo.git#ref:subdir, as the Dockerfile reference writes git sources.
    private static (string Remote, string? Reference, string? Subdirectory) SplitGit(string path)
    {
        string[] parts = path.Split('#', 2);
        if (parts.Length == 1) return (parts[0], null, null);
        string[] fragment = parts[1].Split(':', 2);
        return (parts[0], fragment[0].Length == 0 ? null : fragment[0], fragment.Length == 2 ? fragment[1] : null);
    }

    // BuildKit's parseUID: a decimal id or "root" is used as it is, and an empty part is id 0; anything else is a
    // name to look up.
    private static bool NeedsNameLookup(string owner) =>
        owner.Split(':', 2).Any(part => part is not ("root" or "") && !int.TryParse(part, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _));

    private static FileOwner ParseOwner(string owner)
    {
        string[] parts = owner.Split(':', 2);
        return new FileOwner(parts[0], parts.Length == 2 ? parts[1] : null);
    }

    private static Digest ParseChecksum(Instruction instruction, string text) =>
        Digest.TryParse(text, out Digest digest) ? digest
            : throw Error(instruction, $"invalid --checksum '{text}'", "write --checksum=sha256:<64 lower-case hex digits>");

    private static DockerfileException Error(Instruction instruction, string message, string hint) =>
        InstructionErrors.At(instruction.Syntax, DiagnosticCodes.InvalidArgument, message, hint);
}
