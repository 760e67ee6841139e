using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Instructions;

/// <summary>
/// The flags of one instruction, checked against the flags it accepts: an unknown flag lists the valid ones, a
/// repeated single-value flag and a value-less string flag are errors, a bool takes only true or false.
/// </summary>
internal sealed class InstructionFlags
{
    private readonly Dictionary<string, List<(string Value, SyntaxWord Word)>> _values = new(StringComparer.Ordinal);

    public InstructionFlags(InstructionSyntax syntax, params (string Name, FlagKind Kind)[] accepted)
    {
        var kinds = accepted.ToDictionary(a => a.Name, a => a.Kind, StringComparer.Ordinal);
        foreach (SyntaxWord word in syntax.Flags)
        {
            string body = word.Value[2..];
            int equals = body.IndexOf('=');
            string name = equals < 0 ? body : body[..equals];
            string? value = equals < 0 ? null : body[(equals + 1)..];
            if (!kinds.TryGetValue(name, out FlagKind kind))
            {
                string valid = accepted.Length == 0
                    ? $"{syntax.Name} takes no flags"
                    : "valid flags: " + string.Join(", ", accepted.Select(a => "--" + a.Name));
                throw InstructionErrors.At(syntax, word, DiagnosticCodes.UnknownFlag,
                    $"unknown flag '--{name}' for {syntax.Name}", valid);
            }
            if (!_values.TryGetValue(name, out var list)) _values[name] = list = [];
            if (list.Count > 0 && kind != FlagKind.StringList)
            {
                throw InstructionErrors.At(syntax, word, DiagnosticCodes.InvalidFlagUse,
                    $"flag '--{name}' is given more than once", $"keep one --{name}");
            }
            switch (kind)
            {
                case FlagKind.Bool:
                    value ??= "true";
                    if (!bool.TryParse(value, out _))
                    {
                        throw InstructionErrors.At(syntax, word, DiagnosticCodes.InvalidFlagValue,
                            $"flag '--{name}' takes true or false, not '{value}'", $"write --{name} or --{name}=false");
                    }
                    break;
                default:
                    if (value is null)
                    {
                        throw InstructionErrors.At(syntax, word, DiagnosticCodes.InvalidFlagUse,
                            $"flag '--{name}' needs a value", $"write --{name}=<value>");
                    }
                    break;
            }
            list.Add((value, word));
        }
    }

    /// <summary>The value of a string flag, or null when absent.</summary>
    public string? String(string name) => _values.TryGetValue(name, out var list) ? list[0].Value : null;

    /// <summary>The word a flag was given in, for errors about its value.</summary>
    public SyntaxWord? Word(string name) => _values.TryGetValue(name, out var list) ? list[0].Word : null;

    /// <summary>A bool flag: false when absent.</summary>
    public bool Bool(string name) => _values.TryGetValue(name, out var list) && bool.Parse(list[0].Value);

    /// <summary>Every value of a list flag, in order, with its word.</summary>
    public ImmutableArray<(string Value, SyntaxWord Word)> List(string name) =>
        _values.TryGetValue(name, out var list) ? [.. list] : [];
}
