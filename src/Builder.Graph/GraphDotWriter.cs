using System.Text;

namespace Builder.Graph;

/// <summary>
/// Writes a <see cref="BuildGraph"/> in Graphviz dot (<c>imgbuild graph --format dot</c>): one box per distinct
/// step (by <see cref="StepKey"/>) labelled with its kind and a short description, an edge from each input to
/// the step that reads it, and one ellipse per target. The output is the same for the same graph.
/// </summary>
public static class GraphDotWriter
{
    private const int MaxDescriptionLength = 60;

    /// <summary>Writes <paramref name="graph"/> to <paramref name="writer"/>.</summary>
    public static void Write(BuildGraph graph, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("digraph imgbuild {\n");
        writer.Write("  node [shape=box, fontname=\"monospace\"];\n");
        var edges = new HashSet<(StepKey From, StepKey To)>();
        foreach (BuildStep step in graph.Steps())
        {
            StepKey key = StepKey.Of(step);
            string description = Shorten(step.Describe());
            string label = description.Length == 0 || description == step.Kind
                ? $"{step.Kind}\n{key.Short}"
                : $"{step.Kind}\n{description}\n{key.Short}";
            writer.Write($"  {Quote(key.ToString())} [label={Quote(label)}];\n");
            foreach (BuildStep input in step.Inputs)
            {
                StepKey from = StepKey.Of(input);
                if (edges.Add((from, key)))
                    writer.Write($"  {Quote(from.ToString())} -> {Quote(key.ToString())};\n");
            }
        }
        for (int i = 0; i < graph.Targets.Length; i++)
        {
            BuildTarget target = graph.Targets[i];
            string id = Quote($"target:{i}");
            writer.Write($"  {id} [shape=ellipse, label={Quote("target " + target.StageName)}];\n");
            writer.Write($"  {Quote(StepKey.Of(target.Step).ToString())} -> {id};\n");
        }
        writer.Write("}\n");
    }

    /// <summary>Returns <paramref name="graph"/> as dot text.</summary>
    public static string Write(BuildGraph graph)
    {
        using var writer = new StringWriter();
        Write(graph, writer);
        return writer.ToString();
    }

    private static string Shorten(string text)
    {
        // One line per label part: the user's newlines (a heredoc RUN) would make tall boxes.
        string line = text.ReplaceLineEndings(" ");
        return line.Length <= MaxDescriptionLength ? line : line[..(MaxDescriptionLength - 1)] + "…";
    }

    // A dot quoted string (graphviz.org/doc/info/lang.html): '"' and '\' are escaped; a newline becomes "\n",
    // which labels show as a line break; other control characters are dropped.
    internal static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case < ' ' or '\u007f': break;
                default: quoted.Append(c); break;
            }
        }
        return quoted.Append('"').ToString();
    }
}
