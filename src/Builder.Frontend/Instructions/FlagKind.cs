namespace Builder.Frontend.Instructions;

/// <summary>How a flag takes its value, as BuildKit's BFlags does.</summary>
public enum FlagKind
{
    /// <summary><c>--link</c> or <c>--link=true|false</c>.</summary>
    Bool,

    /// <summary><c>--from=value</c>, at most once.</summary>
    String,

    /// <summary><c>--mount=value</c>, any number of times.</summary>
    StringList,
}
