using Builder.Graph;

namespace Builder.Solver.Ops;

/// <summary>
/// Gives the solver the files of a build context that a <see cref="ContextSourceStep"/> selects: its include
/// patterns (what COPY names) minus its exclude patterns (<c>.dockerignore</c>, <c>--exclude</c>), with BuildKit's
/// matching rules, which the frontend owns.
/// </summary>
public interface IBuildContextSource
{
    /// <summary>Copies the selected entries of the context named <see cref="ContextSourceStep.Name"/> into the empty directory <paramref name="destination"/>.</summary>
    Task MaterializeAsync(ContextSourceStep step, string destination, CancellationToken cancellationToken);
}
