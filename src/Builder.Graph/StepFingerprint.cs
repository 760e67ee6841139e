using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Builder.Graph;

/// <summary>
/// A step's own definition, field by field: each top-level field the <see cref="StepKey"/> covers, as a short digest,
/// and each variable of an environment (<c>env:NAME</c>) on its own, so a cache miss can name what changed ("the
/// command", "the value of VERSION") without keeping the values themselves (a build arg may hold a token).
/// Inputs are not parts: they are compared by their cache keys.
/// </summary>
public static class StepFingerprint
{
    /// <summary>The parts of <paramref name="step"/>'s definition, in field order: (name, 16-hex-digit digest).</summary>
    public static ImmutableArray<KeyValuePair<string, string>> Of(BuildStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var writer = new PartWriter();
        step.WriteFields(writer);
        return writer.Parts.ToImmutable();
    }

    // Every field (a list with its items) is one part; an "env" field is one part per variable.
    private sealed class PartWriter : IStepFieldWriter
    {
        private readonly StringBuilder _list = new();
        private string? _listName;
        private int _depth;

        public ImmutableArray<KeyValuePair<string, string>>.Builder Parts { get; } = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();

        public void String(string name, string? value) => Field(name, value is null ? "\0null" : "s:" + value);

        public void Integer(string name, long? value) => Field(name, value is null ? "\0null" : "i:" + value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public void Boolean(string name, bool value) => Field(name, value ? "b:1" : "b:0");

        public void Strings(string name, ImmutableArray<string> values)
        {
            ImmutableArray<string> list = values.IsDefault ? [] : values;
            if (_depth == 0 && name == "env")
            {
                foreach (string variable in list)
                {
                    int equals = variable.IndexOf('=', StringComparison.Ordinal);
                    string key = equals < 0 ? variable : variable[..equals];
                    Parts.Add(new("env:" + key, Digest(equals < 0 ? "\0unset" : variable[(equals + 1)..])));
                }
                return;
            }
            Field(name, "l:" + string.Join('\0', list.Select(v => v.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + v)));
        }

        public void Bytes(string name, ImmutableArray<byte> value) => Field(name, "x:" + Convert.ToHexString(value.IsDefault ? [] : value.AsSpan()));

        public void BeginList(string name, int count)
        {
            if (_depth++ == 0)
            {
                _listName = name;
                _list.Clear();
            }
            _list.Append("[").Append(name).Append(':').Append(count).Append('\0');
        }

        public void BeginItem(string kind) => _list.Append("{").Append(kind).Append('\0');

        public void EndItem() => _list.Append("}\0");

        public void EndList()
        {
            _list.Append("]\0");
            if (--_depth == 0) Parts.Add(new(_listName!, Digest(_list.ToString())));
        }

        private void Field(string name, string encoded)
        {
            if (_depth > 0)
                _list.Append(name).Append('=').Append(encoded.Length).Append(':').Append(encoded).Append('\0');
            else
                Parts.Add(new(name, Digest(encoded)));
        }

        private static string Digest(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }
}
