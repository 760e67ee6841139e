namespace Builder.Frontend.Diagnostics;

/// <summary>Whether a <see cref="DockerfileDiagnostic"/> stops the build.</summary>
public enum DiagnosticSeverity
{
    /// <summary>The Dockerfile cannot be built as written.</summary>
    Error,

    /// <summary>The Dockerfile builds, but probably not as intended.</summary>
    Warning,
}
