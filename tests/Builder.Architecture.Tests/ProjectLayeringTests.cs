using System.Xml.Linq;

namespace Builder.Architecture.Tests;

/// <summary>
/// The dependency direction of STYLE.md, read from the project files: OCI values and file-tree rules at the bottom,
/// the build-graph contract above them, the frontend and the storage beside each other, the solver above those, the
/// engine over all of them, and the command line over the engine. A reference against the arrow fails here.
/// </summary>
public sealed class ProjectLayeringTests
{
    // Each project and the projects it may reference directly.
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Builder.Oci"] = [],
        ["Builder.Filesystem"] = [],
        ["Builder.Graph"] = ["Builder.Oci"],
        ["Builder.Frontend"] = ["Builder.Graph", "Builder.Oci", "Builder.Filesystem"],
        ["Builder.Cache"] = ["Builder.Oci", "Builder.Filesystem"],
        ["Builder.Solver"] = ["Builder.Graph", "Builder.Oci", "Builder.Filesystem", "Builder.Cache"],
        ["Builder.Engine"] = ["Builder.Graph", "Builder.Oci", "Builder.Filesystem", "Builder.Frontend", "Builder.Cache", "Builder.Solver"],
        ["Builder.Cli"] = ["Builder.Engine"],
        // The MSBuild task runs the CLI out of process: it is built after it but references no engine code.
        ["Builder.MSBuild"] = [],
    };

    public static TheoryData<string> Projects() => [.. Repository.SourceProjects];

    [Fact]
    public void EverySourceProject_HasALayer()
    {
        string[] unplaced = [.. Repository.SourceProjects.Where(p => !Allowed.ContainsKey(p))];
        Assert.Empty(unplaced);
    }

    [Theory, MemberData(nameof(Projects))]
    public void ProjectReferences_PointDownTheLayers(string project)
    {
        string file = Path.Combine(Repository.Src, project, project + ".csproj");
        string[] references = [.. XDocument.Load(file).Descendants("ProjectReference")
            .Where(r => r.Parent?.Name != "Target")   // the MSBuild package publishes the CLI in a target, not as a reference
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))];

        Assert.Empty(references.Except(Allowed[project]));
    }
}
