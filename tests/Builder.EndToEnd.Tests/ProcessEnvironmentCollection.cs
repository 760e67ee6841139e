namespace Builder.EndToEnd.Tests;

/// <summary>
/// Test classes that change process-wide environment variables imgbuild reads (SOURCE_DATE_EPOCH, DOCKER_CONFIG): they
/// run alone, after the parallel ones, so that no other build in the process sees the change.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}
