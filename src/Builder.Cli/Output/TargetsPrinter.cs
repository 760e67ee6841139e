using Builder.Frontend.Subrequests;

namespace Builder.Cli.Output;

/// <summary>
/// <c>--call targets</c>: BuildKit's targets.PrintTargets, a TARGET and DESCRIPTION table aligned like Go's tabwriter
/// (one space of padding), the default stage marked.
/// </summary>
internal static class TargetsPrinter
{
    public static void Print(TextWriter writer, IReadOnlyList<StageTarget> targets)
    {
        List<(string Name, string Description)> rows = [("TARGET", "DESCRIPTION")];
        foreach (StageTarget target in targets)
        {
            string name = target.Name.Length == 0 && target.Default ? "(default)" : target.Default ? $"{target.Name} (default)" : target.Name;
            rows.Add((name, target.Description));
        }
        int width = rows.Max(r => r.Name.Length) + 1;
        foreach ((string name, string description) in rows)
            writer.WriteLine(TerminalText.Escape(name.PadRight(width) + description));
    }
}
