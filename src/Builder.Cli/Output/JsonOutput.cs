using System.Text;
using System.Text.Json;

namespace Builder.Cli.Output;

/// <summary>
/// Writes one JSON document as a line of text, built with <see cref="Utf8JsonWriter"/>: the CLI is published
/// NativeAOT, so nothing it prints is serialised by reflection.
/// </summary>
internal static class JsonOutput
{
    public static void WriteLine(TextWriter writer, Action<Utf8JsonWriter> document, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
            document(json);
        writer.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }
}
