using System.Collections.Immutable;
using System.Text.Json;

namespace Builder.Graph;

/// <summary>Writes a step's fields as JSON properties, in the order the key encodes them.</summary>
internal sealed class JsonStepFieldWriter(Utf8JsonWriter json) : IStepFieldWriter
{
    public void String(string name, string? value)
    {
        if (value is null)
            json.WriteNull(name);
        else
            json.WriteString(name, value);
    }

    public void Integer(string name, long? value)
    {
        if (value is { } v)
            json.WriteNumber(name, v);
        else
            json.WriteNull(name);
    }

    public void Boolean(string name, bool value) => json.WriteBoolean(name, value);

    public void Strings(string name, ImmutableArray<string> values)
    {
        json.WriteStartArray(name);
        foreach (string value in values.IsDefault ? [] : values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }

    public void Bytes(string name, ImmutableArray<byte> value) =>
        json.WriteBase64String(name, value.IsDefault ? [] : value.AsSpan());

    public void BeginList(string name, int count) => json.WriteStartArray(name);

    public void BeginItem(string kind)
    {
        json.WriteStartObject();
        json.WriteString("kind", kind);
    }

    public void EndItem() => json.WriteEndObject();

    public void EndList() => json.WriteEndArray();
}
