using System.Collections.Immutable;
using Builder.Testing;

namespace Builder.EndToEnd.Tests.Parity;

/// <summary>
/// One folder of <c>testdata/parity</c>: a Dockerfile and its context, built by imgbuild and by BuildKit. Two
/// optional files of the folder are not part of the context: <c>build-args</c>, extra options for both builders, one a
/// line (<c>--target middle</c>, <c>--build-arg K=V</c>), and <c>hardlinks</c>, lines <c>EXISTING NEW</c> of hard links
/// the test makes in the context, since git keeps none.
/// </summary>
public sealed record ParityCase(string Name, string Folder, ImmutableArray<string> BuildOptions, ImmutableArray<(string Existing, string Link)> HardLinks)
{
    private const string BuildOptionsFile = "build-args";
    private const string HardLinksFile = "hardlinks";

    /// <summary>A file saying why Docker 20.10's BuildKit builds the case differently from BuildKit v0.24; not part of the context.</summary>
    public const string Docker2010DiffersFile = "docker-20.10-differs";

    /// <summary><c>testdata/parity</c>, found by walking up from the test binaries to the folder that holds <c>testdata</c>.</summary>
    public static string CasesFolder { get; } = FindCasesFolder();

    /// <summary>Reads the case named <paramref name="name"/>.</summary>
    public static ParityCase Load(string name)
    {
        string folder = Path.Combine(CasesFolder, name);
        if (!File.Exists(Path.Combine(folder, "Dockerfile"))) throw new FileNotFoundException($"parity case '{name}' has no Dockerfile in {folder}");
        // "--target middle" is the option and its value: split at the first space only, a value may have more.
        ImmutableArray<string> options = [.. Lines(Path.Combine(folder, BuildOptionsFile)).SelectMany(line => line.Split(' ', 2))];
        ImmutableArray<(string, string)> links = [.. Lines(Path.Combine(folder, HardLinksFile)).Select(line =>
        {
            string[] paths = line.Split(' ');
            return paths.Length == 2 ? (paths[0], paths[1]) : throw new FormatException($"{name}/{HardLinksFile}: '{line}' is not 'EXISTING NEW'");
        })];
        return new ParityCase(name, folder, options, links);
    }

    /// <summary>Copies the context to <paramref name="destination"/> (links and modes kept, control files left out) and makes the hard links.</summary>
    public string PrepareContext(string destination)
    {
        Directory.CreateDirectory(destination);
        ProcessRunner.Run("cp", ["-a", Folder + "/.", destination]);
        File.Delete(Path.Combine(destination, BuildOptionsFile));
        File.Delete(Path.Combine(destination, HardLinksFile));
        File.Delete(Path.Combine(destination, Docker2010DiffersFile));
        foreach ((string existing, string link) in HardLinks)
            ProcessRunner.Run("ln", [Path.Combine(destination, existing), Path.Combine(destination, link)]);
        return destination;
    }

    private static IEnumerable<string> Lines(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Where(line => line.Trim() is { Length: > 0 } trimmed && !trimmed.StartsWith('#')) : [];

    private static string FindCasesFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string testdata = Path.Combine(dir.FullName, "testdata");
            if (Directory.Exists(testdata)) return Path.Combine(testdata, "parity");
        }
        throw new DirectoryNotFoundException($"no testdata folder above {AppContext.BaseDirectory}: run the tests from the repository");
    }
}
