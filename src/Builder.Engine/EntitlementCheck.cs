using System.Collections.Immutable;
using Builder.Frontend.Diagnostics;
using Builder.Graph;

namespace Builder.Engine;

/// <summary>
/// Refuses a converted target whose steps need an entitlement the request does not grant, before anything runs:
/// BuildKit's solver refuses them the same way (util/entitlements: "network.host is not allowed", "security.insecure
/// is not allowed" for an ExecOp with NetMode HOST or SecurityMode INSECURE), here with the RUN's line.
/// </summary>
internal static class EntitlementCheck
{
    /// <exception cref="DockerfileException">A <c>RUN --security=insecure</c> without <see cref="Entitlement.SecurityInsecure"/>,
    /// or a <c>RUN --network=host</c> without <see cref="Entitlement.NetworkHost"/>.</exception>
    public static void Require(BuildTarget target, ImmutableHashSet<Entitlement> granted)
    {
        bool insecure = granted.Contains(Entitlement.SecurityInsecure), host = granted.Contains(Entitlement.NetworkHost);
        if (insecure && host)
            return;
        foreach (BuildStep step in new BuildGraph(target).Steps())
        {
            if (step is not ExecStep run)
                continue;
            if (!insecure && run.Security == SecurityMode.Insecure)
                throw Refused(run, "RUN --security=insecure", "security.insecure",
                    "if you trust this Dockerfile with every capability and no seccomp filter, build with --allow security.insecure");
            if (!host && run.Network == NetworkMode.Host)
                throw Refused(run, "RUN --network=host", "network.host",
                    "if you trust this Dockerfile with the host's network, build with --allow network.host (or --network host)");
        }
    }

    private static DockerfileException Refused(ExecStep run, string what, string entitlement, string hint)
    {
        StepOrigin? origin = run.Origin;
        return new DockerfileException(new DockerfileDiagnostic(DiagnosticCodes.EntitlementNotGranted,
            SourceSpan.At(origin?.File ?? "Dockerfile", origin?.StartLine ?? 1, 1), origin?.Instruction ?? what,
            $"{what} needs the {entitlement} entitlement, which this build does not grant", hint));
    }
}
