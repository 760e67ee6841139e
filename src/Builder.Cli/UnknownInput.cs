using System.CommandLine;
using System.CommandLine.Parsing;
using Builder.Frontend.Diagnostics;

namespace Builder.Cli;

/// <summary>
/// Turns a mistyped flag or command into an error that names it, as docker's CLI does (<c>unknown flag: --frobnicate</c>,
/// <c>unknown command "imgaes"</c>), with the nearest valid name. Without this, System.CommandLine binds an unknown
/// <c>--flag</c> to the build's context argument, and the build command takes a mistyped command for a context path.
/// </summary>
internal static class UnknownInput
{
    /// <summary>
    /// The unknown command <paramref name="args"/> starts with, or null: the first word after the store and registry
    /// options, when it is neither a command nor something a build context can be (an existing path, a URL, <c>-</c>).
    /// </summary>
    public static string? Command(string[] args, RootCommand root)
    {
        int i = 0;
        // Root options taking a value may come before the command (imgbuild --root DIR images).
        while (i < args.Length && root.Options.Any(o => o.Name == args[i] || o.Aliases.Contains(args[i])))
            i += 2;
        while (i < args.Length && args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains('=') &&
               root.Options.Any(o => args[i].StartsWith(o.Name + "=", StringComparison.Ordinal)))
            i++;
        if (i >= args.Length) return null;
        string word = args[i];
        if (word.StartsWith('-') || root.Subcommands.Any(c => c.Name == word || c.Aliases.Contains(word))) return null;
        // `imgbuild DIR` builds DIR: a word that names a file or directory, or a remote context, is a context.
        if (Directory.Exists(word) || File.Exists(word) || word.Contains("://", StringComparison.Ordinal) || word.StartsWith("git@", StringComparison.Ordinal))
            return null;
        return word;
    }

    /// <summary>Writes the unknown-command error for <paramref name="word"/> and returns the exit status.</summary>
    public static int ReportCommand(string word, RootCommand root, TextWriter stderr)
    {
        string? nearest = NearestWord.Find(word, root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
        stderr.WriteLine($"imgbuild: unknown command \"{word}\" (and no file or directory of that name to build)");
        stderr.WriteLine(nearest is null
            ? $"  hint: the commands are {string.Join(", ", root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}; see 'imgbuild --help'"
            : $"  hint: did you mean {nearest}? see 'imgbuild --help'");
        return 1;
    }

    /// <summary>
    /// Writes the error for the first unknown flag of <paramref name="result"/>, if any (an option-like token bound to an
    /// argument or left unmatched), and returns true.
    /// </summary>
    public static bool TryReportFlag(ParseResult result, TextWriter stderr)
    {
        string? token = ArgumentTokens(result.CommandResult).Concat(result.UnmatchedTokens)
            .FirstOrDefault(t => t.Length > 1 && t[0] == '-' && !double.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out _));
        if (token is null) return false;
        string flag = token.Split('=', 2)[0];
        Command command = result.CommandResult.Command;
        IEnumerable<string> names = OptionsOf(result.CommandResult).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith('-'));
        string? nearest = NearestWord.Find(flag, names);
        string path = string.Join(' ', CommandPath(result.CommandResult));
        stderr.WriteLine($"imgbuild: unknown flag: {flag}");
        stderr.WriteLine(nearest is null ? $"  hint: see '{path} --help' for the flags it takes" : $"  hint: did you mean {nearest}? see '{path} --help'");
        return true;
    }

    private static IEnumerable<string> ArgumentTokens(CommandResult command) =>
        command.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Select(t => t.Value);

    // The command's own options and the recursive ones of the commands above it (--root, --insecure-registry).
    private static IEnumerable<Option> OptionsOf(CommandResult command)
    {
        foreach (Option option in command.Command.Options) yield return option;
        for (SymbolResult? parent = command.Parent; parent is CommandResult above; parent = above.Parent)
        {
            foreach (Option option in above.Command.Options.Where(o => o.Recursive)) yield return option;
        }
    }

    private static IEnumerable<string> CommandPath(CommandResult command)
    {
        var names = new Stack<string>();
        for (SymbolResult? current = command; current is CommandResult c; current = c.Parent)
            names.Push(c.Parent is null ? "imgbuild" : c.Command.Name);
        return names;
    }
}
