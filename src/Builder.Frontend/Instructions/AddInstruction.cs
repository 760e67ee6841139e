using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary>
/// <c>ADD [--chown] [--chmod] [--link] [--checksum] [--keep-git-dir] [--unpack] [--exclude] src… dest</c>: like
/// COPY, and also fetches URLs and git repositories and unpacks local archives.
/// </summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Sources">The sources, unexpanded, heredocs resolved to their bodies.</param>
/// <param name="Destination">The destination, unexpanded.</param>
/// <param name="Chown">user[:group], unexpanded, or null.</param>
/// <param name="Chmod">octal or symbolic mode, unexpanded, or null.</param>
/// <param name="Link">Add into an independent layer (<c>--link</c>).</param>
/// <param name="Checksum">The digest a URL's content must have (<c>--checksum=sha256:…</c>), or null.</param>
/// <param name="KeepGitDir">Keep the .git directory of a git source.</param>
/// <param name="Unpack">Whether archives are unpacked: null for ADD's default (local archives yes, URLs no).</param>
/// <param name="Excludes">Patterns of files not to add (<c>--exclude</c>).</param>
public sealed partial record AddInstruction(
    InstructionSyntax Syntax, ImmutableArray<CopySource> Sources, string Destination, string? Chown, string? Chmod,
    bool Link, string? Checksum, bool KeepGitDir, bool? Unpack, ImmutableArray<string> Excludes) : Instruction(Syntax)
{
    [GeneratedRegex("^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})$")]
    private static partial Regex ChecksumPattern();

    internal static AddInstruction Parse(InstructionSyntax syntax)
    {
        var flags = new InstructionFlags(syntax, ("chown", FlagKind.String), ("chmod", FlagKind.String),
            ("link", FlagKind.Bool), ("checksum", FlagKind.String), ("keep-git-dir", FlagKind.Bool),
            ("unpack", FlagKind.Bool), ("exclude", FlagKind.StringList));
        (ImmutableArray<CopySource> sources, string destination) = CopySources.Read(syntax);
        string? chmod = CopySources.CheckChmod(syntax, flags);
        string? checksum = flags.String("checksum");
        if (checksum is not null && !checksum.Contains('$') && !ChecksumPattern().IsMatch(checksum))
        {
            throw InstructionErrors.At(syntax, flags.Word("checksum")!, DiagnosticCodes.InvalidFlagValue,
                $"invalid --checksum '{checksum}'", "write --checksum=sha256:<64 lower-case hex digits>");
        }
        bool? unpack = flags.Word("unpack") is null ? null : flags.Bool("unpack");
        return new AddInstruction(syntax, sources, destination, flags.String("chown"), chmod, flags.Bool("link"),
            checksum, flags.Bool("keep-git-dir"), unpack, [.. flags.List("exclude").Select(e => e.Value)]);
    }
}
