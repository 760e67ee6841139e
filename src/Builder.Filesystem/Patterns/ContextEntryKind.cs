namespace Builder.Filesystem.Patterns;

/// <summary>What a <see cref="ContextEntry"/> is on disk.</summary>
internal enum ContextEntryKind
{
    /// <summary>A regular file (or any other entry that is neither a directory nor a symlink).</summary>
    File,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link, reported as itself and never followed.</summary>
    Symlink,
}
