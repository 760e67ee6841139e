using System.Text.Json;
using Builder.Frontend.Subrequests;

namespace Builder.Cli.Output;

/// <summary>
/// <c>--call outline</c>: BuildKit's outline.PrintOutline, the target, then the build arguments, secrets and SSH
/// agents as tables aligned like Go's tabwriter (one space after the target labels, three between columns).
/// </summary>
internal static class OutlinePrinter
{
    public static void Print(TextWriter writer, BuildOutline outline)
    {
        if (outline.Name.Length > 0 || outline.Description.Length > 0)
        {
            List<string[]> header = [["TARGET:", outline.Name.Length == 0 ? "(default)" : outline.Name]];
            if (outline.Description.Length > 0) header.Add(["DESCRIPTION:", outline.Description]);
            Table(writer, header, padding: 1);
            writer.WriteLine();
        }
        if (outline.Args.Length > 0)
        {
            Table(writer, [["BUILD ARG", "VALUE", "DESCRIPTION"], .. outline.Args.Select(a => new[] { a.Name, a.Value, a.Description })], padding: 3);
            writer.WriteLine();
        }
        if (outline.Secrets.Length > 0)
        {
            Table(writer, [["SECRET", "REQUIRED"], .. outline.Secrets.Select(s => new[] { s.Name, s.Required ? "true" : "" })], padding: 3);
            writer.WriteLine();
        }
        if (outline.Ssh.Length > 0)
        {
            Table(writer, [["SSH", "REQUIRED"], .. outline.Ssh.Select(s => new[] { s.Name, s.Required ? "true" : "" })], padding: 3);
            writer.WriteLine();
        }
    }

    // tabwriter: every cell but a row's last is padded to its column's widest cell plus the padding.
    private static void Table(TextWriter writer, List<string[]> rows, int padding)
    {
        int columns = rows[0].Length;
        int[] widths = [.. Enumerable.Range(0, columns - 1).Select(c => rows.Max(r => r[c].Length) + padding)];
        foreach (string[] row in rows)
            writer.WriteLine(TerminalText.Escape(string.Concat(row.Take(columns - 1).Select((cell, c) => cell.PadRight(widths[c]))) + row[^1]));
    }

    /// <summary><c>--call outline,format=json</c>: one JSON object, written without reflection (the CLI is NativeAOT).</summary>
    public static void PrintJson(TextWriter writer, BuildOutline outline)
    {
        JsonOutput.WriteLine(writer, json =>
        {
            json.WriteStartObject();
            json.WriteString("name", outline.Name);
            json.WriteString("description", outline.Description);
            json.WriteStartArray("args");
            foreach (OutlineArg arg in outline.Args)
            {
                json.WriteStartObject();
                json.WriteString("name", arg.Name);
                json.WriteString("value", arg.Value);
                json.WriteString("description", arg.Description);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            foreach ((string name, IEnumerable<OutlineMount> mounts) in new[] { ("secrets", (IEnumerable<OutlineMount>)outline.Secrets), ("ssh", outline.Ssh) })
            {
                json.WriteStartArray(name);
                foreach (OutlineMount mount in mounts)
                {
                    json.WriteStartObject();
                    json.WriteString("name", mount.Name);
                    json.WriteBoolean("required", mount.Required);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        });
    }
}
