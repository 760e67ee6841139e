namespace Builder.Solver.Runtime;

/// <summary>A <c>USER</c> that the image's <c>/etc/passwd</c> and <c>/etc/group</c> cannot resolve.</summary>
public sealed class ContainerUserException(string message) : Exception(message);
