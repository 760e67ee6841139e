namespace Builder.Filesystem;

/// <summary>
/// A path that <see cref="RootedPath"/> will not resolve inside its root: it loops through symlinks, or, when
/// resolved strictly, climbs out of the root or goes through something that is not a directory.
/// </summary>
public sealed class RootedPathException(string message) : IOException(message);
