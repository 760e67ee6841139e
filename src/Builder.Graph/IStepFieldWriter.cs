using System.Collections.Immutable;

namespace Builder.Graph;

/// <summary>
/// Receives the fields of a step in their fixed order. One listing per step kind feeds both the
/// <see cref="StepKey"/> encoding and the JSON output, so the JSON shows exactly what the key covers.
/// </summary>
internal interface IStepFieldWriter
{
    void String(string name, string? value);

    void Integer(string name, long? value);

    void Boolean(string name, bool value);

    void Strings(string name, ImmutableArray<string> values);

    void Bytes(string name, ImmutableArray<byte> value);

    /// <summary>Starts a list of <paramref name="count"/> items, each between <see cref="BeginItem"/> and <see cref="EndItem"/>.</summary>
    void BeginList(string name, int count);

    void BeginItem(string kind);

    void EndItem();

    void EndList();
}
