using System.Text.Encodings.Web;
using System.Text.Json;
using Builder.Oci;

namespace Builder.Graph;

/// <summary>
/// Writes a <see cref="BuildGraph"/> as JSON (<c>imgbuild graph --format json</c>): each distinct step once, inputs
/// first, with its key, kind, inputs by key, every keyed field and its origin; and each target with its stage
/// name, step key and image config (the config document as <see cref="ImageConfigSerializer"/> writes it).
/// The output is the same for the same graph.
/// </summary>
public static class GraphJsonWriter
{
    /// <summary>The version of this JSON shape, written as <c>"version"</c>.</summary>
    public const int FormatVersion = 1;

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="graph"/> as UTF-8 JSON to <paramref name="stream"/>.</summary>
    public static void Write(BuildGraph graph, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(stream);
        using var json = new Utf8JsonWriter(stream, Options);
        json.WriteStartObject();
        json.WriteNumber("version", FormatVersion);

        json.WriteStartArray("targets");
        foreach (BuildTarget target in graph.Targets)
        {
            json.WriteStartObject();
            json.WriteString("stage", target.StageName);
            json.WriteString("step", StepKey.Of(target.Step).ToString());
            json.WritePropertyName("config");
            json.WriteRawValue(ImageConfigSerializer.Serialize(target.Config));
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartArray("steps");
        var fields = new JsonStepFieldWriter(json);
        foreach (BuildStep step in graph.Steps())
        {
            json.WriteStartObject();
            json.WriteString("key", StepKey.Of(step).ToString());
            json.WriteString("kind", step.Kind);
            json.WriteStartArray("inputs");
            foreach (BuildStep input in step.Inputs)
                json.WriteStringValue(StepKey.Of(input).ToString());
            json.WriteEndArray();
            json.WriteStartObject("fields");
            step.WriteFields(fields);
            json.WriteEndObject();
            if (step.Origin is { } origin)
            {
                json.WriteStartObject("origin");
                json.WriteString("file", origin.File);
                json.WriteNumber("startLine", origin.StartLine);
                json.WriteNumber("endLine", origin.EndLine);
                json.WriteString("instruction", origin.Instruction);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteEndObject();
    }

    /// <summary>Returns <paramref name="graph"/> as JSON text.</summary>
    public static string Write(BuildGraph graph)
    {
        using var stream = new MemoryStream();
        Write(graph, stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
