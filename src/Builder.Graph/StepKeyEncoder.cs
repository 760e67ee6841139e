using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using Builder.Oci;

namespace Builder.Graph;

/// <summary>
/// The canonical binary encoding of a step for <see cref="StepKey"/>. Every value is tagged and every string,
/// list and blob is length-prefixed, and field names are included, so two different steps never encode alike.
/// </summary>
internal sealed class StepKeyEncoder(Sha256Hasher hash) : IStepFieldWriter
{
    private const byte NullTag = 0, StringTag = 1, IntegerTag = 2, BooleanTag = 3, StringsTag = 4, BytesTag = 5,
        ListTag = 6, ItemTag = 7, ItemEndTag = 8, ListEndTag = 9, InputsTag = 10;

    public void Header(string version, string kind)
    {
        RawString(version);
        RawString(kind);
    }

    public void Inputs(IEnumerable<Digest> inputKeys)
    {
        Tag(InputsTag);
        List<Digest> keys = [.. inputKeys];
        Int32(keys.Count);
        foreach (Digest key in keys)
            RawString(key.ToString());
    }

    public void String(string name, string? value)
    {
        RawString(name);
        if (value is null)
        {
            Tag(NullTag);
            return;
        }
        Tag(StringTag);
        RawString(value);
    }

    public void Integer(string name, long? value)
    {
        RawString(name);
        if (value is not { } v)
        {
            Tag(NullTag);
            return;
        }
        Tag(IntegerTag);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, v);
        hash.Append(bytes);
    }

    public void Boolean(string name, bool value)
    {
        RawString(name);
        Tag(BooleanTag);
        Tag(value ? (byte)1 : (byte)0);
    }

    public void Strings(string name, ImmutableArray<string> values)
    {
        RawString(name);
        Tag(StringsTag);
        ImmutableArray<string> list = values.IsDefault ? [] : values;
        Int32(list.Length);
        foreach (string value in list)
            RawString(value);
    }

    public void Bytes(string name, ImmutableArray<byte> value)
    {
        RawString(name);
        Tag(BytesTag);
        ReadOnlySpan<byte> bytes = value.IsDefault ? [] : value.AsSpan();
        Int32(bytes.Length);
        hash.Append(bytes);
    }

    public void BeginList(string name, int count)
    {
        RawString(name);
        Tag(ListTag);
        Int32(count);
    }

    public void BeginItem(string kind)
    {
        Tag(ItemTag);
        RawString(kind);
    }

    public void EndItem() => Tag(ItemEndTag);

    public void EndList() => Tag(ListEndTag);

    private void Tag(byte tag) => hash.Append([tag]);

    private void Int32(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        hash.Append(bytes);
    }

    private void RawString(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        Int32(bytes.Length);
        hash.Append(bytes);
    }
}
