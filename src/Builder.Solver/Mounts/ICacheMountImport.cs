namespace Builder.Solver.Mounts;

/// <summary>
/// Cache mount contents from an imported build cache (<c>--cache-from</c> of a cache exported with
/// <c>cache-mounts=true</c>): what a <c>RUN --mount=type=cache</c> starts with on a machine that has no such cache yet.
/// </summary>
public interface ICacheMountImport
{
    /// <summary>
    /// Fills <paramref name="directory"/> (new and empty) with the imported content of cache mount <paramref name="id"/>;
    /// false when no imported cache has it.
    /// </summary>
    Task<bool> TryRestoreAsync(string id, string directory, CancellationToken cancellationToken);
}
