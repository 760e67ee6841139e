using System.Collections.Immutable;
using Builder.Oci;
using Builder.Frontend.Instructions;
using Builder.Graph;

namespace Builder.Frontend.Conversion;

/// <summary>
/// The state of one build stage while its instructions are converted: the filesystem so far, the image config
/// being built, and the variables in scope (declared ARGs and ENV; ENV wins over an ARG of the same name).
/// </summary>
internal sealed class StageState(string? name, BuildStep root, ImageConfigBuilder config, Platform platform)
{
    /// <summary>BuildKit's default SHELL on Linux.</summary>
    public static readonly ImmutableArray<string> DefaultShell = ["/bin/sh", "-c"];

    /// <summary>Proxy ARGs are usable by RUN without an ARG line, and never end up in the image.</summary>
    public static readonly ImmutableArray<string> ProxyArgs =
        ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"];

    private readonly List<(string Name, string? Value)> _args = [];

    public string? Name { get; } = name;

    public BuildStep Root { get; set; } = root;

    public ImageConfigBuilder Config { get; } = config;

    public Platform Platform { get; } = platform;

    /// <summary>True once this stage has its own CMD (ENTRYPOINT then keeps it).</summary>
    public bool CmdSetInStage { get; set; }

    public ImmutableArray<string> Shell => Config.Shell.IsDefaultOrEmpty ? DefaultShell : Config.Shell;

    public string WorkingDirectory => string.IsNullOrEmpty(Config.WorkingDir) ? "/" : Config.WorkingDir;

    /// <summary>Declares an ARG (a later declaration of the same name replaces the value).</summary>
    public void DeclareArg(string argName, string? value)
    {
        _args.RemoveAll(a => a.Name == argName);
        _args.Add((argName, value));
    }

    /// <summary>The variables word expansion sees: ARGs with a value, then ENV over them.</summary>
    public Dictionary<string, string> ExpansionEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string argName, string? value) in _args)
        {
            if (value is not null) environment[argName] = value;
        }
        foreach (string entry in Config.Env)
        {
            int equals = entry.IndexOf('=');
            if (equals > 0) environment[entry[..equals]] = entry[(equals + 1)..];
        }
        return environment;
    }

    /// <summary>
    /// The environment of a RUN: the image's ENV, then declared ARGs that ENV does not set, then proxy build
    /// arguments (BuildKit passes ARGs to RUN without storing them in the image).
    /// </summary>
    public ImmutableArray<string> RunEnvironment(IReadOnlyDictionary<string, string> buildArgs)
    {
        var env = ImmutableArray.CreateBuilder<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (string entry in Config.Env)
        {
            env.Add(entry);
            names.Add(entry.Split('=', 2)[0]);
        }
        foreach ((string argName, string? value) in _args)
        {
            if (value is not null && names.Add(argName)) env.Add($"{argName}={value}");
        }
        foreach (string proxy in ProxyArgs)
        {
            if (buildArgs.TryGetValue(proxy, out string? value) && names.Add(proxy)) env.Add($"{proxy}={value}");
        }
        return env.ToImmutable();
    }

    /// <summary>Resolves a path against the working directory, as WORKDIR, COPY and RUN --mount targets do.</summary>
    public string ResolvePath(string path)
    {
        bool directory = path.EndsWith('/');
        string joined = path.StartsWith('/') ? path : WorkingDirectory.TrimEnd('/') + "/" + path;
        string clean = UnixPath.Clean(joined);
        return directory && clean != "/" ? clean + "/" : clean;
    }

    /// <summary>Records a history entry for an instruction, as Docker shows it in <c>docker history</c>.</summary>
    public void AddHistory(Instruction instruction, string createdBy, bool emptyLayer) =>
        Config.AddHistory(new HistoryEntry { CreatedBy = createdBy, EmptyLayer = emptyLayer, Comment = "buildkit.dockerfile.v0" });
}
