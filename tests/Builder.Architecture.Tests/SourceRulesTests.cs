using System.Text.RegularExpressions;

namespace Builder.Architecture.Tests;

/// <summary>Rules read from the source text: folders are namespaces, one P/Invoke place, an engine without environment.</summary>
public sealed partial class SourceRulesTests
{
    public static TheoryData<string> Projects() => [.. Repository.SourceProjects];

    [Theory, MemberData(nameof(Projects))]
    public void EveryFile_HasTheNamespaceOfItsFolder(string project)
    {
        var wrong = new List<string>();
        foreach (string file in Repository.SourceFiles(project))
        {
            Match declared = NamespaceLine().Match(File.ReadAllText(file));
            if (!declared.Success) continue;   // global types (none expected) are caught by code review
            string folder = Path.GetRelativePath(Path.Combine(Repository.Src, project), Path.GetDirectoryName(file)!);
            string expected = folder == "." ? project : project + "." + folder.Replace(Path.DirectorySeparatorChar, '.');
            if (declared.Groups[1].Value != expected) wrong.Add($"{Path.GetRelativePath(Repository.Root, file)}: {declared.Groups[1].Value} (expected {expected})");
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public void NativeImports_LiveInOneFilePerLibrary()
    {
        // The MSBuild task is its own assembly loaded into MSBuild; it keeps its one import (kill) to itself.
        string[] importing = [.. Repository.SourceProjects.Where(p => p != "Builder.MSBuild").SelectMany(Repository.SourceFiles)
            .Where(f => NativeImport().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(Repository.Root, f))];

        Assert.Equal(["src/Builder.Filesystem/Native/LibC.cs"], importing);
    }

    [Fact]
    public void LibraryCode_ReadsNoEnvironmentAndNoConsole()
    {
        // Front ends (the CLI, the MSBuild task) map the environment into requests; the libraries take it as values.
        string[] frontEnds = ["Builder.Cli", "Builder.MSBuild"];
        string[] reading = [.. Repository.SourceProjects.Where(p => !frontEnds.Contains(p)).SelectMany(Repository.SourceFiles)
            .Where(f => EnvironmentOrConsole().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(Repository.Root, f))];

        Assert.Empty(reading);
    }

    [GeneratedRegex(@"^namespace ([A-Za-z0-9_.]+)\s*[;{]", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    [GeneratedRegex(@"\[(DllImport|LibraryImport)\(")]
    private static partial Regex NativeImport();

    [GeneratedRegex(@"Environment\.(GetEnvironmentVariable|GetEnvironmentVariables|ExpandEnvironmentVariables)\(|\bConsole\.")]
    private static partial Regex EnvironmentOrConsole();
}
