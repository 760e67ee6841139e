using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;
using Builder.Frontend.Syntax;
using Sprache;

namespace Builder.Frontend.Instructions;

/// <summary>
/// One <c>RUN --mount=…</c>: its type and its options by canonical key (<c>dst</c> and <c>destination</c> become
/// <c>target</c>, <c>src</c> becomes <c>source</c>, <c>ro</c> becomes <c>readonly</c>...). Values are as written;
/// conversion expands them and checks numbers and enumerations.
/// </summary>
/// <param name="Type">The mount type (bind when not given).</param>
/// <param name="Options">Canonical key to raw value (a bare flag like <c>ro</c> has the value <c>true</c>).</param>
/// <param name="Word">The <c>--mount</c> flag word, for errors.</param>
public sealed record MountSpec(MountType Type, ImmutableDictionary<string, string> Options, SyntaxWord Word)
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["type"] = "type", ["target"] = "target", ["dst"] = "target", ["destination"] = "target",
        ["source"] = "source", ["src"] = "source", ["from"] = "from", ["id"] = "id", ["sharing"] = "sharing",
        ["mode"] = "mode", ["uid"] = "uid", ["gid"] = "gid", ["size"] = "size", ["required"] = "required",
        ["env"] = "env", ["readonly"] = "readonly", ["ro"] = "readonly", ["readwrite"] = "readwrite", ["rw"] = "readwrite",
    };

    // Which options each type takes (BuildKit's runmount.go).
    private static readonly Dictionary<MountType, string[]> Allowed = new()
    {
        [MountType.Bind] = ["type", "target", "source", "from", "readonly", "readwrite"],
        [MountType.Cache] = ["type", "target", "source", "from", "id", "sharing", "mode", "uid", "gid", "readonly", "readwrite"],
        [MountType.Tmpfs] = ["type", "target", "size"],
        [MountType.Secret] = ["type", "target", "id", "required", "env", "mode", "uid", "gid"],
        [MountType.Ssh] = ["type", "target", "id", "required", "mode", "uid", "gid"],
    };

    // Go's encoding/csv, as BuildKit reads the value: fields split on ',', a field may be "quoted" ("" escapes ").
    private static readonly Parser<string> QuotedField =
        from open in Sprache.Parse.Char('"')
        from body in Sprache.Parse.String("\"\"").Return('"').Or(Sprache.Parse.CharExcept('"')).Many().Text()
        from close in Sprache.Parse.Char('"')
        select body;

    private static readonly Parser<string> PlainField = Sprache.Parse.CharExcept(",\"").Many().Text();

    private static readonly Parser<IEnumerable<string>> Fields =
        QuotedField.Or(PlainField).DelimitedBy(Sprache.Parse.Char(',')).End();

    /// <summary>The value of an option, or null.</summary>
    public string? this[string key] => Options.TryGetValue(key, out string? value) ? value : null;

    internal static MountSpec Parse(InstructionSyntax syntax, string value, SyntaxWord word)
    {
        IResult<IEnumerable<string>> fields = Fields.TryParse(value);
        if (!fields.WasSuccessful)
        {
            throw Error(syntax, word, $"cannot read --mount value '{value}': {fields.Message}",
                "write --mount=type=<type>,target=<path>[,<key>=<value>...]; quote a whole field that holds a comma");
        }
        var options = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (string field in fields.Value)
        {
            if (field.Length == 0) continue;
            string[] keyValue = field.Split('=', 2);
            if (!Aliases.TryGetValue(keyValue[0].Trim(), out string? key))
            {
                throw Error(syntax, word, $"unexpected key '{keyValue[0]}' in --mount '{value}'",
                    "valid keys: " + string.Join(", ", Aliases.Keys));
            }
            if (keyValue.Length == 1 && key is not ("readonly" or "readwrite" or "required"))
            {
                throw Error(syntax, word, $"--mount key '{key}' needs a value in '{value}'", $"write {key}=<value>");
            }
            if (!options.TryAdd(key, keyValue.Length == 2 ? keyValue[1] : "true"))
            {
                throw Error(syntax, word, $"--mount key '{key}' is given twice in '{value}'", $"keep one {key}=");
            }
        }

        MountType type = MountType.Bind;
        if (options.TryGetValue("type", out string? typeName) && !Enum.TryParse(typeName, ignoreCase: true, out type))
        {
            throw Error(syntax, word, $"unknown mount type '{typeName}'", "valid types: bind, cache, tmpfs, secret, ssh");
        }
        foreach (string key in options.Keys)
        {
            if (!Allowed[type].Contains(key))
            {
                throw Error(syntax, word, $"--mount type={type.ToString().ToLowerInvariant()} does not take '{key}'",
                    "it takes: " + string.Join(", ", Allowed[type]));
            }
        }
        if (type is MountType.Bind or MountType.Cache or MountType.Tmpfs && !options.ContainsKey("target"))
        {
            throw Error(syntax, word, $"--mount type={type.ToString().ToLowerInvariant()} needs a target",
                $"add target=<path in the container> to '{value}'");
        }
        if (type == MountType.Secret && !options.ContainsKey("id") && !options.ContainsKey("target") && !options.ContainsKey("env"))
        {
            throw Error(syntax, word, "--mount type=secret needs an id, a target or an env", "add id=<secret id>");
        }
        return new MountSpec(type, options.ToImmutable(), word);
    }

    private static DockerfileException Error(InstructionSyntax syntax, SyntaxWord word, string message, string hint) =>
        InstructionErrors.At(syntax, word, DiagnosticCodes.InvalidFlagValue, message, hint);
}
