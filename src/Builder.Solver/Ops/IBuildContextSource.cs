using Builder.Graph;
using Builder.Solver.Context;

namespace Builder.Solver.Ops;

/// <summary>
/// Gives the solver the files of a build context that a <see cref="ContextSourceStep"/> selects: its include
/// patterns (what COPY names) minus its exclude patterns (<c>.dockerignore</c>, <c>--exclude</c>), with BuildKit's
/// matching rules, which the frontend owns.
/// </summary>
public interface IBuildContextSource
{
    /// <summary>
    /// The selected entries of the context named <see cref="ContextSourceStep.Name"/>, hashed in place (file hashes
    /// through <paramref name="hashes"/>); nothing is copied.
    /// </summary>
    SelectedContext Read(ContextSourceStep step, Caching.StatCache hashes, CancellationToken cancellationToken);
}
