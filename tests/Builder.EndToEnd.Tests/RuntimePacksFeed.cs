using Builder.Testing;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// A folder feed with the packages <c>dotnet restore</c> needs for a project whose <c>RuntimeIdentifiers</c> are
/// linux-x64 and linux-arm64 (the runtime packs the SDK restores for every listed runtime identifier, and the arm64
/// app host): restored once from the machine's NuGet sources into the fixture directory, then used as a feed beside
/// the packed package, so the test projects' restores stay offline.
/// </summary>
internal static class RuntimePacksFeed
{
    private static readonly Lazy<string> Folder = new(() => FixtureDirectory.GetOrBuild("runtime-packs-linux-x64-arm64", Restore));

    /// <summary>The feed: a NuGet global-packages folder (id/version/id.version.nupkg), which NuGet reads as a local feed.</summary>
    public static string Directory => Folder.Value;

    private static void Restore(string directory)
    {
        string project = System.IO.Directory.CreateDirectory(Path.Combine(directory, "restore")).FullName;
        File.WriteAllText(Path.Combine(project, "packs.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers>
              </PropertyGroup>
            </Project>
            """);
        ProcessRunner.Run("dotnet", ["restore", "--nologo"], project, new Dictionary<string, string> { ["NUGET_PACKAGES"] = directory },
            TimeSpan.FromMinutes(10));
        System.IO.Directory.Delete(project, recursive: true);
    }
}
