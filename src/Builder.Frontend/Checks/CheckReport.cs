using System.Collections.Immutable;

namespace Builder.Frontend.Checks;

/// <summary>What the build checks found in one Dockerfile, and whether that fails the build.</summary>
/// <param name="Warnings">The checks that fired, in the order BuildKit reports them.</param>
/// <param name="Config">The configuration they ran with.</param>
public sealed record CheckReport(ImmutableArray<CheckWarning> Warnings, CheckConfig Config)
{
    /// <summary>
    /// With <c>error=true</c> and a warning, BuildKit's error (linter.Error): <c>lint violation found for rules: A, B</c>,
    /// each rule once; otherwise null.
    /// </summary>
    public string? ErrorMessage => Config.Error && !Warnings.IsEmpty
        ? "lint violation found for rules: " + string.Join(", ", Warnings.Select(w => w.Rule.Name).Distinct(StringComparer.Ordinal))
        : null;
}
