using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Builder.Cli.Compose;

/// <summary>
/// Reads a compose file's YAML with YamlDotNet's representation model (no reflection, so NativeAOT-safe) into plain
/// values: a mapping is a <see cref="Dictionary{TKey, TValue}"/> of string keys in file order, a sequence a
/// <see cref="List{T}"/>, a scalar a string, and null for <c>~</c>, <c>null</c> or nothing. Anchors and aliases are
/// resolved, merge keys (<c>&lt;&lt;: *common</c>, <c>&lt;&lt;: [*a, *b]</c>) are applied here (YamlDotNet's
/// <c>MergingParser</c> repeats a key the mapping overrides, which its representation model then rejects), block scalars and flow style are YAML's own. Compose's <c>!reset</c> and
/// <c>!override</c> tags (merge.md, "Reset value" and "Replace value") become a <see cref="ComposeTagged"/>.
/// </summary>
internal static class ComposeYaml
{
    /// <exception cref="FormatException">Not YAML, or a tag compose does not define, with the file, line and column.</exception>
    public static object? Read(string text, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new Parser(new StringReader(text)));
        }
        catch (YamlException e)
        {
            // YamlDotNet's messages start with "(Line: 3, Col: 5, Idx: …) - (…): "; keep the sentence, give the place our way.
            string message = e.InnerException is YamlException inner ? inner.Message : e.Message;
            int dash = message.IndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith("(Line", StringComparison.Ordinal) && dash >= 0) message = message[(dash + 3)..];
            if (e.InnerException is ArgumentException duplicate && duplicate.Message.Contains("same key", StringComparison.Ordinal))
                message = "a key appears twice in one mapping";
            throw new FormatException($"{file}:{e.Start.Line}:{e.Start.Column}: {message}", e);
        }
        catch (ArgumentException e) when (e.Message.Contains("same key", StringComparison.Ordinal))
        {
            // YamlMappingNode rejects a key written twice (YAML 1.2 §3.2.1.1: keys are unique).
            throw new FormatException($"{file}: a key appears twice in one mapping ({e.Message})", e);
        }
        if (stream.Documents.Count == 0) return null;
        if (stream.Documents.Count > 1) throw new FormatException($"{file}: holds {stream.Documents.Count} YAML documents; a compose file is one");
        return Convert(stream.Documents[0].RootNode, file);
    }

    private static object? Convert(YamlNode node, string file)
    {
        object? value = node switch
        {
            YamlMappingNode mapping => Mapping(mapping, file),
            YamlSequenceNode sequence => sequence.Children.Select(child => Convert(child, file)).ToList(),
            YamlScalarNode scalar => Scalar(scalar),
            _ => throw new FormatException($"{file}:{node.Start.Line}:{node.Start.Column}: an unexpected YAML node"),
        };
        if (node.Tag.IsEmpty || node.Tag.Value.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal)) return value;
        return node.Tag.Value switch
        {
            "!reset" => new ComposeTagged(ComposeTagged.Reset, null),
            "!override" => new ComposeTagged(ComposeTagged.Override, value),
            _ => throw new FormatException($"{file}:{node.Start.Line}:{node.Start.Column}: the YAML tag '{node.Tag.Value}' means nothing to compose; it knows !reset and !override"),
        };
    }

    private static Dictionary<string, object?> Mapping(YamlMappingNode mapping, string file)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var merged = new List<Dictionary<string, object?>>();
        foreach ((YamlNode key, YamlNode value) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { } name } scalar)
                throw new FormatException($"{file}:{key.Start.Line}:{key.Start.Column}: a mapping key must be a plain value");
            if (name == "<<" && scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
            {
                // YAML's merge key (yaml.org/type/merge.html): a mapping, or a sequence of mappings, whose keys this
                // mapping gets unless it has them itself; of several mappings, an earlier one wins.
                IEnumerable<YamlNode> sources = value is YamlSequenceNode list ? list.Children : [value];
                foreach (YamlNode source in sources)
                {
                    merged.Add(Convert(source, file) as Dictionary<string, object?>
                        ?? throw new FormatException($"{file}:{source.Start.Line}:{source.Start.Column}: '<<' merges mappings: give *anchor or [*a, *b] of mappings"));
                }
                continue;
            }
            if (!result.TryAdd(name, Convert(value, file)))
                throw new FormatException($"{file}:{key.Start.Line}:{key.Start.Column}: '{name}' appears twice in one mapping");
        }
        foreach (Dictionary<string, object?> source in merged)
        {
            foreach ((string name, object? value) in source) result.TryAdd(name, value);
        }
        return result;
    }

    // YAML 1.2's core schema: a plain ~, null or empty scalar is null; everything else stays text, typed where used.
    private static string? Scalar(YamlScalarNode scalar) =>
        scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Tag.IsEmpty && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL"
            ? null
            : scalar.Value ?? "";

    /// <summary>A scalar as a boolean, YAML 1.2's <c>true</c>/<c>false</c> (any case), or null when it is neither.</summary>
    public static bool? Boolean(string text) =>
        bool.TryParse(text, out bool value) ? value : null;

    /// <summary>A scalar as an integer, or null.</summary>
    public static long? Integer(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value : null;
}
