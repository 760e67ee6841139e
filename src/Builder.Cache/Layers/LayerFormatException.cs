namespace Builder.Cache.Layers;

/// <summary>
/// A layer that cannot be written or applied safely: a tar entry escaping the root directory (through <c>..</c>,
/// a symlink or a hard link), a malformed tar header, or an uncompressed digest that is not the expected diffID.
/// The message names the offending entry.
/// </summary>
public sealed class LayerFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="entryName"/> (or <see langword="null"/> for the whole layer).</summary>
    public LayerFormatException(string? entryName, string message)
        : base(entryName is null ? message : $"layer entry '{entryName}': {message}") => EntryName = entryName;

    /// <summary>The tar entry name as written in the layer, when the problem belongs to one entry.</summary>
    public string? EntryName { get; }
}
