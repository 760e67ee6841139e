namespace Builder.Frontend.Diagnostics;

/// <summary>
/// The one exception type a bad Dockerfile, build argument or build context produces. The CLI and the MSBuild
/// task catch it and print <see cref="Diagnostic"/> without a stack trace.
/// </summary>
public sealed class DockerfileException(DockerfileDiagnostic diagnostic) : Exception(diagnostic.Message)
{
    /// <summary>What is wrong, and where.</summary>
    public DockerfileDiagnostic Diagnostic { get; } = diagnostic;
}
