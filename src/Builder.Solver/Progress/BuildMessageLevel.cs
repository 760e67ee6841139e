namespace Builder.Solver.Progress;

/// <summary>How much a <see cref="BuildMessage"/> matters.</summary>
public enum BuildMessageLevel
{
    /// <summary>What the build did (imported a cache, exported an image).</summary>
    Info,

    /// <summary>Something the user should look at; the build went on.</summary>
    Warning,
}
