using System.Collections.Immutable;

namespace Builder.Testing.Parity;

/// <summary>
/// One folder of <c>testdata/parity</c>: a Dockerfile and its context, built by imgbuild and compared with BuildKit.
/// The folder's control files are not part of the context:
/// <list type="bullet">
/// <item><c>build-args</c>: extra options for both builders, one a line (<c>--target middle</c>, <c>--build-arg K=V</c>,
/// <c>--secret id=s,src=FILE</c> with FILE relative to the case folder, <c>--ssh default</c> for the test's own agent).</item>
/// <item><c>hardlinks</c>: lines <c>EXISTING NEW</c> of hard links the test makes in the context, since git keeps none.</item>
/// <item><c>modes</c>: lines <c>OCTAL PATH</c> of modes the test gives context files, since git keeps only the x bit.</item>
/// <item><c>base</c>: <c>busybox</c> (the default) or <c>debian</c>, the base image given as <c>--build-arg BASE=…</c>.</item>
/// <item><c>golden</c>: what BuildKit v0.24 built (<see cref="GoldenFile"/>), remade by <c>scripts/parity-goldens.sh</c>.</item>
/// <item><c>known-difference</c>: why imgbuild does not match the golden yet, and the difference it shows.</item>
/// <item><c>docker-20.10-differs</c>: why the Docker engine's BuildKit (Docker 20.10) is not compared for this case.</item>
/// </list>
/// </summary>
public sealed record ParityCase(string Name, string Folder, ImmutableArray<string> BuildOptions, ImmutableArray<(string Existing, string Link)> HardLinks)
{
    /// <summary>The control files, left out of the context.</summary>
    public static readonly ImmutableArray<string> ControlFiles =
        [BuildOptionsFile, HardLinksFile, ModesFile, BaseFile, GoldenFileName, KnownDifferenceFile, Docker2010DiffersFile];

    private const string BuildOptionsFile = "build-args";
    private const string HardLinksFile = "hardlinks";
    private const string ModesFile = "modes";
    private const string BaseFile = "base";
    private const string GoldenFileName = "golden";
    private const string KnownDifferenceFile = "known-difference";
    private const string Docker2010DiffersFile = "docker-20.10-differs";

    /// <summary><c>testdata/parity</c>, found by walking up from the test binaries to the folder that holds <c>testdata</c>.</summary>
    public static string CasesFolder { get; } = FindCasesFolder();

    /// <summary>Every case name, in ordinal order.</summary>
    public static IEnumerable<string> All() =>
        Directory.GetDirectories(CasesFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

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

    /// <summary><c>busybox</c> or <c>debian</c>: the base image the case is built FROM.</summary>
    public string Base => Lines(Path.Combine(Folder, BaseFile)).FirstOrDefault() ?? "busybox";

    /// <summary>The golden file's path (it may not exist yet).</summary>
    public string GoldenPath => Path.Combine(Folder, GoldenFileName);

    /// <summary>The known-difference file's path (it exists only for a case imgbuild does not match yet).</summary>
    public string KnownDifferencePath => Path.Combine(Folder, KnownDifferenceFile);

    /// <summary>Why the Docker 20.10 comparison leaves this case out, or null when it compares it.</summary>
    public string? Docker2010Differs =>
        File.Exists(Path.Combine(Folder, Docker2010DiffersFile)) ? File.ReadAllText(Path.Combine(Folder, Docker2010DiffersFile)).Trim() : null;

    /// <summary>
    /// The options both builders get, for a context prepared at <paramref name="context"/>: a relative secret
    /// <c>src=</c> is made absolute, and <c>--ssh ID</c> without a socket gets <paramref name="sshAgentSocket"/>.
    /// </summary>
    public IReadOnlyList<string> ResolveOptions(string context, string? sshAgentSocket)
    {
        var resolved = new List<string>();
        for (int i = 0; i < BuildOptions.Length; i++)
        {
            string option = BuildOptions[i];
            resolved.Add(option);
            if (i + 1 >= BuildOptions.Length) continue;
            if (option == "--secret")
            {
                resolved.Add(string.Join(',', BuildOptions[++i].Split(',').Select(field =>
                    field.StartsWith("src=", StringComparison.Ordinal) && !Path.IsPathRooted(field[4..]) ? "src=" + Path.Combine(context, field[4..]) : field)));
            }
            else if (option == "--ssh")
            {
                string value = BuildOptions[++i];
                resolved.Add(value.Contains('=') ? value
                    : $"{value}={sshAgentSocket ?? throw new InvalidOperationException($"parity case '{Name}' needs an ssh agent for '--ssh {value}'")}");
            }
        }
        return resolved;
    }

    /// <summary>Whether an option needs an ssh agent (<c>--ssh ID</c> without a socket).</summary>
    public bool NeedsSshAgent => BuildOptions.Select((option, i) => option == "--ssh" && i + 1 < BuildOptions.Length && !BuildOptions[i + 1].Contains('=')).Any(b => b);

    /// <summary>
    /// Copies the context to <paramref name="destination"/> (links and modes kept, control files left out), makes the
    /// hard links and sets the modes the <c>modes</c> file gives.
    /// </summary>
    public string PrepareContext(string destination)
    {
        Directory.CreateDirectory(destination);
        ProcessRunner.Run("cp", ["-a", Folder + "/.", destination]);
        foreach (string control in ControlFiles) File.Delete(Path.Combine(destination, control));
        foreach ((string existing, string link) in HardLinks)
            ProcessRunner.Run("ln", [Path.Combine(destination, existing), Path.Combine(destination, link)]);
        foreach (string line in Lines(Path.Combine(Folder, ModesFile)))
        {
            string[] fields = line.Split(' ', 2);
            if (fields.Length != 2) throw new FormatException($"{Name}/{ModesFile}: '{line}' is not 'OCTAL PATH'");
            ProcessRunner.Run("chmod", [fields[0], Path.Combine(destination, fields[1])]);
        }
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
