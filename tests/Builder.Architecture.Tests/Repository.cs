namespace Builder.Architecture.Tests;

/// <summary>Where the repository's source is, found from the test assembly's location.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    public static string Src => Path.Combine(Root, "src");

    /// <summary>The projects under <c>src/</c>, by name (<c>Builder.Cli</c>).</summary>
    public static IEnumerable<string> SourceProjects =>
        Directory.EnumerateDirectories(Src).Select(Path.GetFileName).Where(name => File.Exists(Path.Combine(Src, name!, name + ".csproj")))!;

    /// <summary>The C# files of a project, without build output.</summary>
    public static IEnumerable<string> SourceFiles(string project) =>
        Directory.EnumerateFiles(Path.Combine(Src, project), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string Find()
    {
        for (string? directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
            if (File.Exists(Path.Combine(directory, "Builder.sln"))) return directory;
        throw new InvalidOperationException($"no Builder.sln above {AppContext.BaseDirectory}");
    }
}
