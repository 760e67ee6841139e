namespace Builder.Frontend.Instructions;

/// <summary>A name and value of ENV or LABEL, as written (quotes kept until expansion).</summary>
public sealed record KeyValue(string Key, string Value);
