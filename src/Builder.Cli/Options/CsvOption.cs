namespace Builder.Cli.Options;

/// <summary>One <c>key=value</c> field of a <see cref="CsvOptionList"/>.</summary>
/// <param name="Key">The key, trimmed and lower-cased as buildx does.</param>
/// <param name="Value">The value as written (after unquoting).</param>
internal readonly record struct CsvOption(string Key, string Value);
