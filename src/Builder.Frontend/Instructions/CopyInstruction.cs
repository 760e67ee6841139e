using System.Collections.Immutable;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary><c>COPY [--from] [--chown] [--chmod] [--link] [--parents] [--exclude] src… dest</c>.</summary>
/// <param name="Syntax">The instruction as written.</param>
/// <param name="Sources">The sources, unexpanded, heredocs resolved to their bodies.</param>
/// <param name="Destination">The destination, unexpanded.</param>
/// <param name="From">A stage name, stage index or image to copy from; null for the build context.</param>
/// <param name="Chown">user[:group], unexpanded, or null.</param>
/// <param name="Chmod">octal or symbolic mode, unexpanded, or null.</param>
/// <param name="Link">Copy into an independent layer (<c>--link</c>).</param>
/// <param name="Parents">Keep the sources' parent directories (<c>--parents</c>).</param>
/// <param name="Excludes">Patterns of files not to copy (<c>--exclude</c>).</param>
public sealed record CopyInstruction(
    InstructionSyntax Syntax, ImmutableArray<CopySource> Sources, string Destination, string? From, string? Chown,
    string? Chmod, bool Link, bool Parents, ImmutableArray<string> Excludes) : Instruction(Syntax)
{
    internal static CopyInstruction Parse(InstructionSyntax syntax)
    {
        var flags = new InstructionFlags(syntax, ("from", FlagKind.String), ("chown", FlagKind.String),
            ("chmod", FlagKind.String), ("link", FlagKind.Bool), ("parents", FlagKind.Bool), ("exclude", FlagKind.StringList));
        (ImmutableArray<CopySource> sources, string destination) = CopySources.Read(syntax);
        string? chmod = CopySources.CheckChmod(syntax, flags);
        return new CopyInstruction(syntax, sources, destination, flags.String("from"), flags.String("chown"), chmod,
            flags.Bool("link"), flags.Bool("parents"), [.. flags.List("exclude").Select(e => e.Value)]);
    }
}
