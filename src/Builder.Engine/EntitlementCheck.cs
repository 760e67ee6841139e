using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;
using Builder.Graph;

namespace Builder.Engine;

/// <summary>
/// Refuses a converted target whose steps need an entitlement the request does not grant, before anything runs:
/// BuildKit's solver refuses <c>security.insecure</c> the same way ("is not allowed"), here with the RUN's line.
/// </summary>
internal static class EntitlementCheck
{
    /// <exception cref="DockerfileException">A <c>RUN --security=insecure</c> without <see cref="Entitlement.SecurityInsecure"/>.</exception>
    public static void Require(BuildTarget target, ImmutableHashSet<Entitlement> granted)
    {
        if (granted.Contains(Entitlement.SecurityInsecure))
            return;
        foreach (BuildStep step in new BuildGraph(target).Steps())
        {
            if (step is not ExecStep { Security: SecurityMode.Insecure } run)
                continue;
            StepOrigin? origin = run.Origin;
            throw new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.EntitlementNotGranted,
                SourceSpan.At(origin?.File ?? "Dockerfile", origin?.StartLine ?? 1, 1), origin?.Instruction ?? "RUN --security=insecure",
                "RUN --security=insecure needs the security.insecure entitlement, which this build does not grant",
                "if you trust this Dockerfile with every capability and no seccomp filter, build with --allow security.insecure"));
        }
    }
}
