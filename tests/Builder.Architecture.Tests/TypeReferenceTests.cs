using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Builder.Architecture.Tests;

/// <summary>
/// What each compiled assembly actually uses of the others, read from its metadata (its type references): the
/// command line holds no build logic, the frontend never sees execution, the storage never sees steps.
/// </summary>
public sealed class TypeReferenceTests
{
    // What the CLI may use of the solver: the progress contract it renders and the failure it reports. Scheduling,
    // snapshots, the runtime, mounts and caching are the engine's business.
    private static readonly string[] SolverTypesTheCliMayUse =
    [
        "Builder.Solver.Progress.IBuildProgress",
        "Builder.Solver.Progress.BuildMessage",
        "Builder.Solver.Progress.BuildMessageLevel",
        "Builder.Solver.Progress.BuildActivity", // an internal vertex the renderers show ("[internal] load metadata …")
        "Builder.Solver.Progress.ContainerOutputLine",
        "Builder.Solver.Scheduling.StepFailedException",
    ];

    [Fact]
    public void Cli_UsesNoSolverMachinery()
    {
        string[] used = [.. ReferencedTypes("imgbuild").Where(t => t.StartsWith("Builder.Solver.", StringComparison.Ordinal)).Except(SolverTypesTheCliMayUse)];

        Assert.Empty(used);
    }

    [Fact]
    public void Cli_BuildsOnlyThroughTheEngine()
    {
        // The engine's composition root and session are the only way to a build: the CLI never opens a BuildSession,
        // a BaseImageProvider, a layer committer or a build-cache index of its own. (`imgbuild graph` converts a
        // Dockerfile with the frontend alone, without base images: that is no build.)
        string[] forbidden = ["Builder.Engine.BuildSession", "Builder.Solver.Sources.BaseImageProvider", "Builder.Solver.Snapshots.SnapshotCommitter",
            "Builder.Cache.BuildCache.ImportedCache", "Builder.Cache.Layers.LayerWriter", "Builder.Cache.Images.ImageAssembler"];
        string[] used = [.. ReferencedTypes("imgbuild").Intersect(forbidden)];

        Assert.Empty(used);
    }

    [Theory]
    [InlineData("Builder.Frontend", "Builder.Solver.")]
    [InlineData("Builder.Frontend", "Builder.Cache.")]
    [InlineData("Builder.Frontend", "Builder.Engine.")]
    [InlineData("Builder.Graph", "Builder.Solver.")]
    [InlineData("Builder.Graph", "Builder.Cache.")]
    [InlineData("Builder.Graph", "Builder.Frontend.")]
    [InlineData("Builder.Cache", "Builder.Solver.")]
    [InlineData("Builder.Cache", "Builder.Graph.")]
    [InlineData("Builder.Cache", "Builder.Frontend.")]
    [InlineData("Builder.Solver", "Builder.Frontend.")]
    [InlineData("Builder.Solver", "Builder.Engine.")]
    [InlineData("Builder.Oci", "Builder.")]
    public void Assembly_UsesNothingOf(string assembly, string forbiddenNamespace)
    {
        string[] used = [.. ReferencedTypes(assembly).Where(t => t.StartsWith(forbiddenNamespace, StringComparison.Ordinal)
                                                              && !t.StartsWith(assembly + ".", StringComparison.Ordinal))];

        Assert.Empty(used);
    }

    // The full names of the types an assembly references in other assemblies.
    private static IEnumerable<string> ReferencedTypes(string assembly)
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, assembly + ".dll"));
        using var pe = new PEReader(stream);
        MetadataReader metadata = pe.GetMetadataReader();
        var names = new List<string>();
        foreach (TypeReferenceHandle handle in metadata.TypeReferences)
        {
            TypeReference reference = metadata.GetTypeReference(handle);
            // A nested type's namespace is empty; its outer type is what it belongs to.
            while (reference.ResolutionScope.Kind == HandleKind.TypeReference)
                reference = metadata.GetTypeReference((TypeReferenceHandle)reference.ResolutionScope);
            if (reference.ResolutionScope.Kind != HandleKind.AssemblyReference) continue;
            names.Add($"{metadata.GetString(reference.Namespace)}.{metadata.GetString(reference.Name)}");
        }
        return names.Distinct();
    }
}
