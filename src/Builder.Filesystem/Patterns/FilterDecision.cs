namespace Builder.Filesystem.Patterns;

/// <summary>What a <see cref="ContextFilter"/> does with one entry of the context while walking it.</summary>
internal enum FilterDecision
{
    /// <summary>The entry is part of the result.</summary>
    Keep,

    /// <summary>The entry is left out, but a directory is still walked: something inside may be kept, and then
    /// the directory is reported after all, as the parent of what was kept.</summary>
    Hide,

    /// <summary>The entry is left out and a directory is not walked: nothing inside it can be kept.</summary>
    Prune,
}
