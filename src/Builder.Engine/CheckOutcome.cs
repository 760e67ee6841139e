using Builder.Frontend.Checks;
using Builder.Frontend.Diagnostics;

namespace Builder.Engine;

/// <summary>What <see cref="BuildEngine.CheckAsync"/> found: the checks' warnings, and the error a build would stop at.</summary>
/// <param name="Report">The build checks that fired, and their configuration.</param>
/// <param name="BuildError">
/// The error the build would fail with before running a step (a bad Dockerfile, or <c># check=error=true</c> with
/// warnings), or null (BuildKit's lint result "buildError").
/// </param>
public sealed record CheckOutcome(CheckReport Report, DockerfileDiagnostic? BuildError);
