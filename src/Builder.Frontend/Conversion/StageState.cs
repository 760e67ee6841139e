using System.Collections.Immutable;
using Builder.Oci;
using Builder.Frontend.Instructions;
using Builder.Graph;

namespace Builder.Frontend.Conversion;

/// <summary>
/// The state of one build stage while its instructions are converted: the filesystem so far, the image config
/// being built, and the variables in scope. As in BuildKit (dockerfile2llb/convert.go), the variables are one
/// list that ENV and ARG both set, the later one winning, while only ENV reaches the image config: an
/// <c>ARG X</c> after <c>ENV X=…</c> is what RUN and later expansion see, and the image keeps the ENV value.
/// </summary>
internal sealed class StageState
{
    /// <summary>BuildKit's default SHELL on Linux.</summary>
    public static readonly ImmutableArray<string> DefaultShell = ["/bin/sh", "-c"];

    /// <summary>BuildKit's system.DefaultPathEnvUnix: the PATH a stage gets when its image config has none.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Proxy ARGs are usable by RUN without an ARG line, and never end up in the image.</summary>
    public static readonly ImmutableArray<string> ProxyArgs =
        ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"];

    // BuildKit's nonEnvArgs: these ARGs configure the SBOM scan and never become variables.
    private static readonly ImmutableHashSet<string> NonEnvArgs = ["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"];

    // BuildKit's llb.EnvList: each name once, listed where it was last set (setting a name again moves it last).
    private readonly List<KeyValuePair<string, string>> _variables = [];

    /// <summary>
    /// Starts a stage. A stage built FROM another stage (<paramref name="parent"/>) starts with that stage's
    /// variables, its ARGs included (dispatchState.init copies the parent's state); then, for every stage, the
    /// image config's ENV is set over them (toDispatchState's "initialize base metadata from image conf"), so an
    /// ENV of the parent wins over its ARG of the same name. An image config without PATH gets BuildKit's default.
    /// </summary>
    public StageState(string? name, BuildStep root, ImageConfigBuilder config, Platform platform, StageState? parent = null)
    {
        (Name, Root, Config, Platform) = (name, root, config, platform);
        if (!Config.Env.Any(entry => entry.Split('=', 2)[0] == "PATH")) Config.SetEnv("PATH", DefaultPath);
        if (parent is not null) _variables.AddRange(parent._variables);
        foreach (string entry in Config.Env)
        {
            string[] pair = entry.Split('=', 2);
            SetVariable(pair[0], pair.Length == 2 ? pair[1] : string.Empty);
        }
    }

    public string? Name { get; }

    /// <summary>The progress names of the stage's steps; null for a stage not converted from a FROM.</summary>
    public StepNaming? Naming { get; init; }

    public BuildStep Root { get; set; }

    public ImageConfigBuilder Config { get; }

    public Platform Platform { get; }

    /// <summary>True once this stage has its own CMD (ENTRYPOINT then keeps it).</summary>
    public bool CmdSetInStage { get; set; }

    public ImmutableArray<string> Shell => Config.Shell.IsDefaultOrEmpty ? DefaultShell : Config.Shell;

    public string WorkingDirectory => string.IsNullOrEmpty(Config.WorkingDir) ? "/" : Config.WorkingDir;

    /// <summary>ENV: sets the variable for the rest of the stage and in the image config.</summary>
    public void SetEnv(string envName, string value)
    {
        Config.SetEnv(envName, value);
        SetVariable(envName, value);
    }

    /// <summary>
    /// ARG: a declaration with a value sets the variable for the rest of the stage (and for stages built FROM
    /// this one) but not in the image config; one without a value changes nothing (dispatchArg).
    /// </summary>
    public void DeclareArg(string argName, string? value)
    {
        if (value is not null && !NonEnvArgs.Contains(argName)) SetVariable(argName, value);
    }

    /// <summary>The variables word expansion sees: ENV and ARG, each as last set.</summary>
    public Dictionary<string, string> ExpansionEnvironment() => new(_variables, StringComparer.Ordinal);

    /// <summary>
    /// The environment of a RUN: the stage's variables in BuildKit's order, then proxy build arguments that are
    /// not variables already (BuildKit passes them to RUN without storing them in the image).
    /// </summary>
    public ImmutableArray<string> RunEnvironment(IReadOnlyDictionary<string, string> buildArgs)
    {
        var env = ImmutableArray.CreateBuilder<string>(_variables.Count);
        foreach ((string variable, string value) in _variables) env.Add($"{variable}={value}");
        foreach (string proxy in ProxyArgs)
        {
            if (buildArgs.TryGetValue(proxy, out string? value) && !_variables.Any(v => v.Key == proxy)) env.Add($"{proxy}={value}");
        }
        return env.ToImmutable();
    }

    private void SetVariable(string variable, string value)
    {
        int index = _variables.FindIndex(v => v.Key == variable);
        if (index >= 0) _variables.RemoveAt(index);
        _variables.Add(new(variable, value));
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
