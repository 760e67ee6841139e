namespace Builder.Frontend.Instructions;

/// <summary>One name declared by ARG, with its default value as written (null: no default).</summary>
public sealed record ArgDeclaration(string Name, string? DefaultValue);
