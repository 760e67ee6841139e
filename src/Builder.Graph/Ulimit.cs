namespace Builder.Graph;

/// <summary>
/// A resource limit of a RUN process (<c>--ulimit nofile=1024:2048</c>); BuildKit's <c>pb.Ulimit</c>, which its
/// executor writes as the runtime spec's <c>RLIMIT_&lt;NAME&gt;</c> (executor/oci/spec_linux.go).
/// </summary>
/// <param name="Name">The limit's name as docker writes it, lower case: <c>nofile</c>, <c>nproc</c>, <c>core</c>, …</param>
/// <param name="Soft">The soft limit; -1 is unlimited.</param>
/// <param name="Hard">The hard limit; -1 is unlimited.</param>
public sealed record Ulimit(string Name, long Soft, long Hard);
