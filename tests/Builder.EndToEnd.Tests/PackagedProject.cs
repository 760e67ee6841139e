using System.Xml.Linq;
using Builder.Testing;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// A .NET project that uses the Builder.MSBuild package as a developer would: the package is packed once per test run
/// into a folder feed, the project's nuget.config names only that feed, and <c>dotnet publish</c> restores into a
/// fresh NuGet cache (so the package just packed is the one used).
/// </summary>
internal static class PackagedProject
{
    private static readonly Lazy<string> Feed = new(Pack);

    /// <summary>The repository checkout the tests run from.</summary>
    public static string Repository { get; } = FindRepository();

    /// <summary>The product's one version (Directory.Build.props): the package's, and the one imgbuild prints.</summary>
    public static string Version { get; } = XDocument.Load(Path.Combine(Repository, "Directory.Build.props")).Descendants("Version").Single().Value;

    /// <summary>Writes the nuget.config that points <paramref name="project"/> at the packed package (and <paramref name="moreFeeds"/>).</summary>
    public static void UseFeed(string project, params string[] moreFeeds) =>
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="imgbuild" value="{Feed.Value}" />
            {string.Concat(moreFeeds.Select((feed, i) => $"    <add key=\"feed{i}\" value=\"{feed}\" />\n"))}  </packageSources>
            </configuration>
            """);

    /// <summary>The <c>dotnet publish</c> arguments with the image build on.</summary>
    public static string[] PublishArguments(params string[] extra) => ["publish", "-c", "Release", "-p:ImgBuildEnabled=true", "-v:n", "--nologo", .. extra];

    /// <summary>The environment that gives a publish its own NuGet cache under <paramref name="root"/>.</summary>
    public static Dictionary<string, string> Environment(string root) => new() { ["NUGET_PACKAGES"] = Path.Combine(root, "nuget-packages") };

    /// <summary>Runs <c>dotnet publish</c> in <paramref name="project"/>; returns its exit status and everything it printed.</summary>
    public static (int Status, string Output) Publish(string project, string root, params string[] extra)
    {
        (int status, string stdout, string stderr) = ProcessRunner.Capture("dotnet", PublishArguments(extra), project, Environment(root), TimeSpan.FromMinutes(10));
        return (status, stdout + stderr);
    }

    private static string Pack()
    {
        string feed = Directory.CreateTempSubdirectory("imgbuild-feed-").FullName;
        ProcessRunner.Run("dotnet", ["pack", Path.Combine(Repository, "src", "Builder.MSBuild"), "-c", "Release", "-o", feed, "--nologo"], timeout: TimeSpan.FromMinutes(10));
        return feed;
    }

    private static string FindRepository()
    {
        string directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "Builder.sln"))) directory = Path.GetDirectoryName(directory)!;
        return directory;
    }
}
