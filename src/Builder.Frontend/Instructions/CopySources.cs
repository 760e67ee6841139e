using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary>What COPY and ADD share: sources and destination, heredoc sources, and the --chmod check.</summary>
internal static class CopySources
{
    /// <summary>BuildKit's parseSourcesAndDest: the last word is the destination, heredoc markers become contents.</summary>
    public static (ImmutableArray<CopySource> Sources, string Destination) Read(InstructionSyntax syntax)
    {
        var args = syntax.Arguments;
        if (args.Length < 2)
        {
            throw InstructionErrors.ArgumentCount(syntax, "needs a source and a destination",
                $"add the destination, for example: {syntax.Name} {(args.Length == 1 ? args[0].Value : "app.dll")} /app/");
        }
        SyntaxWord destination = args[^1];
        // BuildKit's parseSourcesAndDest reads markers in the JSON form too: COPY ["<<EOF", "/f"] writes an empty file EOF.
        if (HeredocMarkers.TryParse(destination.Value, out _))
        {
            throw InstructionErrors.At(syntax, destination, DiagnosticCodes.InvalidArgument,
                $"{syntax.Name} cannot take a heredoc as its destination", $"put the destination path last: {syntax.Name} <<EOF /path");
        }
        var heredocs = syntax.Heredocs.IsDefault ? [] : syntax.Heredocs;
        var sources = ImmutableArray.CreateBuilder<CopySource>(args.Length - 1);
        foreach (SyntaxWord word in args[..^1])
        {
            if (HeredocMarkers.TryParse(word.Value, out Heredoc? marker))
            {
                // BuildKit looks bodies up in a map by name: of two heredocs with one name, the last body wins.
                Heredoc body = heredocs.LastOrDefault(h => h.Name == marker.Name) ?? marker;
                sources.Add(new CopySource(marker.Name, body));
            }
            else
            {
                sources.Add(new CopySource(word.Value));
            }
        }
        return (sources.MoveToImmutable(), destination.Value);
    }

    /// <summary>The --chmod value, checked when it holds no variable (otherwise after expansion).</summary>
    public static string? CheckChmod(InstructionSyntax syntax, InstructionFlags flags)
    {
        string? chmod = flags.String("chmod");
        if (chmod is not null && !chmod.Contains('$') && !FileModeSpec.TryParse(chmod, out _))
        {
            throw InstructionErrors.At(syntax, flags.Word("chmod")!, DiagnosticCodes.InvalidFlagValue,
                $"invalid --chmod '{chmod}'", "write an octal mode (--chmod=0755) or a symbolic one (--chmod=u+rwx,go+rx)");
        }
        return chmod;
    }
}
