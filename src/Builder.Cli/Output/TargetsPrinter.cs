using System.Text.Json;
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

    /// <summary><c>--call targets,format=json</c>: one JSON array, written without reflection (the CLI is NativeAOT).</summary>
    public static void PrintJson(TextWriter writer, IReadOnlyList<StageTarget> targets)
    {
        JsonOutput.WriteLine(writer, json =>
        {
            json.WriteStartArray();
            foreach (StageTarget target in targets)
            {
                json.WriteStartObject();
                json.WriteString("name", target.Name);
                json.WriteString("description", target.Description);
                json.WriteBoolean("default", target.Default);
                json.WriteString("base", target.BaseName);
                if (target.Platform is null) json.WriteNull("platform");
                else json.WriteString("platform", target.Platform);
                json.WriteNumber("line", target.Line);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        });
    }
}
