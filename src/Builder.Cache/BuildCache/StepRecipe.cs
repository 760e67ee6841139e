using System.Buffers;
using System.Collections.Immutable;
using MessagePack;

namespace Builder.Cache.BuildCache;

/// <summary>
/// What one built step's cache key was made of, kept to explain a later miss of the same instruction: the key, the
/// parts of the step's own definition (name and short digest, never the values), each input (its kind, a label and
/// its cache key) and the salt (what changes a layer beyond the step: <c>SOURCE_DATE_EPOCH</c>).
/// </summary>
/// <param name="CacheKey">The step's cache key, <c>sha256:…</c>.</param>
/// <param name="Parts">The definition's parts, in field order (<c>Builder.Graph.StepFingerprint</c>).</param>
/// <param name="Inputs">The inputs, in order.</param>
/// <param name="Salt">The salt folded into the cache key ("" for none).</param>
/// <param name="CreatedTicks">When the step was built (UTC ticks): the newest recipe wins a tie.</param>
public sealed record StepRecipe(string CacheKey, ImmutableArray<KeyValuePair<string, string>> Parts,
    ImmutableArray<StepRecipe.Input> Inputs, string Salt, long CreatedTicks)
{
    /// <summary>One input of the step.</summary>
    /// <param name="Kind"><c>image</c>, <c>context</c>, <c>step</c> or <c>source</c>.</param>
    /// <param name="Label">An image's reference with its digest, a context step's key, an instruction, a source.</param>
    /// <param name="CacheKey">The input's cache key.</param>
    public sealed record Input(string Kind, string Label, string CacheKey);

    /// <summary>Writes <paramref name="recipes"/> (a shape's variants) as one MessagePack array.</summary>
    public static byte[] Serialize(IReadOnlyList<StepRecipe> recipes)
    {
        ArgumentNullException.ThrowIfNull(recipes);
        var buffer = new ArrayBufferWriter<byte>(1024);
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(recipes.Count);
        foreach (StepRecipe recipe in recipes)
        {
            writer.WriteArrayHeader(5);
            writer.Write(recipe.CacheKey);
            writer.WriteArrayHeader(recipe.Parts.Length * 2);
            foreach ((string name, string digest) in recipe.Parts)
            {
                writer.Write(name);
                writer.Write(digest);
            }
            writer.WriteArrayHeader(recipe.Inputs.Length * 3);
            foreach (Input input in recipe.Inputs)
            {
                writer.Write(input.Kind);
                writer.Write(input.Label);
                writer.Write(input.CacheKey);
            }
            writer.Write(recipe.Salt);
            writer.Write(recipe.CreatedTicks);
        }
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads what <see cref="Serialize"/> wrote.</summary>
    /// <exception cref="MessagePackSerializationException">The bytes are not such a list.</exception>
    public static ImmutableArray<StepRecipe> Deserialize(ReadOnlyMemory<byte> bytes)
    {
        var reader = new MessagePackReader(bytes);
        try
        {
            int count = reader.ReadArrayHeader();
            var recipes = ImmutableArray.CreateBuilder<StepRecipe>(count);
            for (int i = 0; i < count; i++)
            {
                if (reader.ReadArrayHeader() < 5) throw new MessagePackSerializationException("a step recipe has too few fields");
                string key = reader.ReadString() ?? "";
                int parts = reader.ReadArrayHeader() / 2;
                var partList = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>(parts);
                for (int p = 0; p < parts; p++) partList.Add(new(reader.ReadString() ?? "", reader.ReadString() ?? ""));
                int inputs = reader.ReadArrayHeader() / 3;
                var inputList = ImmutableArray.CreateBuilder<Input>(inputs);
                for (int p = 0; p < inputs; p++) inputList.Add(new Input(reader.ReadString() ?? "", reader.ReadString() ?? "", reader.ReadString() ?? ""));
                string salt = reader.ReadString() ?? "";
                long created = reader.ReadInt64();
                recipes.Add(new StepRecipe(key, partList.MoveToImmutable(), inputList.MoveToImmutable(), salt, created));
            }
            return recipes.MoveToImmutable();
        }
        catch (EndOfStreamException e)
        {
            throw new MessagePackSerializationException("a step recipe list ends early", e);
        }
    }
}
