using System.Text;

namespace Builder.MSBuild;

/// <summary>
/// The Dockerfile that makes the image the .NET SDK makes from a project's container properties: the publish output
/// copied into the working directory on the base image, with its labels, environment, ports and user, and the
/// entrypoint and command the SDK derives from <c>ContainerAppCommand</c>, <c>ContainerAppCommandArgs</c>,
/// <c>ContainerDefaultArgs</c>, <c>ContainerAppCommandInstruction</c>, <c>ContainerEntrypoint</c> and
/// <c>ContainerEntrypointArgs</c> (its <c>ImageBuilder.DetermineEntrypointAndCmd</c>).
/// </summary>
/// <remarks>
/// Every value is written so that the image holds it exactly: in double quotes with <c>\</c>, <c>"</c> and <c>$</c>
/// escaped (the only characters BuildKit's lexer unescapes there, <c>frontend/dockerfile/shell/lex.go</c>
/// <c>processDoubleQuote</c>), and exec-form arrays as JSON. A line break cannot be written in a Dockerfile at all (the
/// parser joins continued lines), so a value with a control character is passed as a build argument
/// (<see cref="ValueArguments"/>) and the Dockerfile expands it: <c>ENV NAME="${IMGBUILD_VALUE_0}"</c>.
/// </remarks>
internal sealed class ContainerDockerfile
{
    /// <summary>The SDK's <c>ContainerAppCommandInstruction</c> values.</summary>
    public const string EntrypointInstruction = "Entrypoint", DefaultArgsInstruction = "DefaultArgs", NoneInstruction = "None";

    // The stage holding the platform's publish output when PublishPerPlatform.
    private const string PublishStage = "publish";

    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];
    private readonly Dictionary<string, string> _valueArguments = new(StringComparer.Ordinal);

    public required string BaseImage { get; init; }

    /// <summary>
    /// The digest of the base image's manifest as resolved before the Dockerfile is written: <c>FROM</c> names it
    /// (<c>NAME@DIGEST</c>), so the build uses the very image the labels, format and entrypoint were read from.
    /// </summary>
    public string? BaseImageDigest { get; init; }

    /// <summary>The base image config's <c>Entrypoint</c>; <see langword="null"/> when not known (then the Dockerfile never names it).</summary>
    public IReadOnlyList<string>? BaseEntrypoint { get; init; }

    /// <summary>The base image config's <c>Cmd</c>.</summary>
    public IReadOnlyList<string> BaseCmd { get; init; } = [];

    /// <summary>The base image config's <c>Env</c>: its <c>APP_UID</c> and ASP.NET Core port variables matter here.</summary>
    public IReadOnlyList<(string Name, string Value)> BaseEnvironment { get; init; } = [];

    public required string WorkingDirectory { get; init; }
    public IReadOnlyList<(string Name, string Value)> Labels { get; init; } = [];
    public IReadOnlyList<(string Name, string Value)> EnvironmentVariables { get; init; } = [];
    public IReadOnlyList<(string Port, string Type)> Ports { get; init; } = [];
    public string? User { get; init; }
    public IReadOnlyList<string> AppCommand { get; init; } = [];
    public IReadOnlyList<string> AppCommandArgs { get; init; } = [];
    public string? AppCommandInstruction { get; init; }
    public IReadOnlyList<string> DefaultArgs { get; init; } = [];
    public IReadOnlyList<string> EntrypointItems { get; init; } = [];
    public IReadOnlyList<string> EntrypointArgs { get; init; } = [];

    /// <summary>
    /// Whether each platform's files come from its own publish output (several runtime identifiers): a stage FROM
    /// <see cref="ContainerPlatform.PublishContextFrom"/> holds them, and the COPY reads that stage, not the context.
    /// </summary>
    public bool PublishPerPlatform { get; init; }

    /// <summary>What is wrong with the properties, one sentence each naming the property; empty when the Dockerfile is good.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>What the image does that the project may not expect (the base image's entrypoint replaced), one sentence each.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The build arguments <see cref="Render"/> made for values a Dockerfile line cannot hold.</summary>
    public IReadOnlyDictionary<string, string> ValueArguments => _valueArguments;

    /// <summary>The Dockerfile's text; check <see cref="Errors"/> after.</summary>
    public string Render()
    {
        _errors.Clear();
        _warnings.Clear();
        _valueArguments.Clear();
        var body = new StringBuilder();
        foreach ((string name, string value) in Labels)
            if (CheckName("ContainerLabel", name)) body.Append("LABEL ").Append(name).Append('=').Append(Quote(value)).Append('\n');
        body.Append("WORKDIR ").Append(Quote(WorkingDirectory)).Append('\n');
        body.Append(PublishPerPlatform ? "COPY --from=" + PublishStage + " " : "COPY ")
            .Append(Json([".", WorkingDirectory.EndsWith('/') ? WorkingDirectory : WorkingDirectory + "/"])).Append('\n');
        foreach ((string name, string value) in EnvironmentVariables)
            if (CheckName("ContainerEnvironmentVariable", name)) body.Append("ENV ").Append(name).Append('=').Append(Quote(value)).Append('\n');
        foreach ((string port, string type) in Ports)
        {
            string protocol = type.Length == 0 ? "tcp" : type.ToLowerInvariant();
            if (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int number) || number is < 1 or > 65535)
                _errors.Add($"ContainerPort '{port}' is not a port number (1 to 65535)");
            else if (protocol is not ("tcp" or "udp"))
                _errors.Add($"ContainerPort '{port}' has Type '{type}': write tcp or udp");
            else
                body.Append("EXPOSE ").Append(number).Append('/').Append(protocol).Append('\n');
        }
        foreach (int port in AspNetCorePorts()) body.Append("EXPOSE ").Append(port).Append("/tcp\n");
        if (!string.IsNullOrEmpty(User)) body.Append("USER ").Append(Quote(User)).Append('\n');
        // With no ContainerUser, a base image that names its non-root user in APP_UID (Microsoft's, .NET 8 on) runs as
        // that user: the SDK sets it from the base's environment (ImageBuilder.AssignUserFromEnvironment).
        else if (BaseEnvironment.Any(v => v.Name == "APP_UID")) body.Append("USER ${APP_UID}\n");
        (IReadOnlyList<string>? entrypoint, IReadOnlyList<string> command) = EntrypointAndCommand();
        if (entrypoint is not null) body.Append("ENTRYPOINT ").Append(Json(entrypoint)).Append('\n');
        if (command.Count > 0) body.Append("CMD ").Append(Json(command)).Append('\n');
        // The SDK's image has the command it computed, never the base image's; ENTRYPOINT above already cleared that
        // (a Dockerfile's ENTRYPOINT resets an inherited CMD, BuildKit's dispatchEntrypoint).
        else if (entrypoint is null && BaseCmd.Count > 0) body.Append("CMD []\n");

        // The comment has no '=' so the parser never reads it as a directive.
        var text = new StringBuilder("# Written by Builder.MSBuild from the project's container properties\n");
        if (PublishPerPlatform) text.Append("FROM ").Append(ContainerPlatform.PublishContextFrom).Append(" AS ").Append(PublishStage).Append('\n');
        text.Append("FROM ").Append(BaseImage);
        if (BaseImageDigest is { Length: > 0 } digest)
            text.Append(BaseImage.Contains('@') ? "" : "@" + digest);
        text.Append('\n');
        foreach (string argument in _valueArguments.Keys) text.Append("ARG ").Append(argument).Append('\n');
        return text.Append(body).ToString();
    }

    // The SDK's rules (ImageBuilder.DetermineEntrypointAndCmd): the app command is the entrypoint unless the
    // instruction says DefaultArgs (it starts CMD) or None; ContainerEntrypoint alone keeps its old meaning. A null
    // entrypoint keeps the base image's, except a base ENTRYPOINT of dotnet alone, which the SDK drops (its images
    // once set it, and dotnet with the app's arguments would not start the app).
    private (IReadOnlyList<string>? Entrypoint, IReadOnlyList<string> Command) EntrypointAndCommand()
    {
        (IReadOnlyList<string>? entrypoint, IReadOnlyList<string> command) = AppEntrypointAndCommand();
        bool baseIsDotnet = BaseEntrypoint is [("dotnet" or "/usr/bin/dotnet")];
        if (entrypoint is null && baseIsDotnet) entrypoint = [];
        return (entrypoint, command);
    }

    private (IReadOnlyList<string>? Entrypoint, IReadOnlyList<string> Command) AppEntrypointAndCommand()
    {
        IReadOnlyList<string> entrypoint = EntrypointItems, entrypointArgs = EntrypointArgs, appCommand = AppCommand, command = DefaultArgs;
        bool setsEntrypoint = entrypoint.Count > 0 || entrypointArgs.Count > 0;
        string? instruction = string.IsNullOrEmpty(AppCommandInstruction) ? null
            : new[] { EntrypointInstruction, DefaultArgsInstruction, NoneInstruction }.FirstOrDefault(k => k.Equals(AppCommandInstruction, StringComparison.OrdinalIgnoreCase));
        if (!string.IsNullOrEmpty(AppCommandInstruction) && instruction is null)
        {
            _errors.Add($"ContainerAppCommandInstruction '{AppCommandInstruction}' is not one of Entrypoint, DefaultArgs or None");
            return (null, []);
        }
        if (instruction is null && setsEntrypoint && command.Count == 0 && AppCommandArgs.Count == 0 && entrypoint.Count == 0)
        {
            // Before ContainerAppCommand existed, ContainerEntrypointArgs were the arguments of the app's command.
            (entrypoint, command, entrypointArgs, appCommand, instruction) = (appCommand, entrypointArgs, [], [], NoneInstruction);
        }
        if (instruction is null && !setsEntrypoint && BaseEntrypoint is { Count: > 0 } baseEntrypoint && baseEntrypoint is not [("dotnet" or "/usr/bin/dotnet")])
            _warnings.Add($"the base image's ENTRYPOINT {Json(baseEntrypoint)} is replaced by the app command: set ContainerAppCommandInstruction to DefaultArgs to keep it (the app command then starts CMD) or to None");
        instruction ??= setsEntrypoint ? DefaultArgsInstruction : EntrypointInstruction;
        if (entrypointArgs.Count > 0 && entrypoint.Count == 0)
        {
            _errors.Add("ContainerEntrypointArgs is set without ContainerEntrypoint");
            return (null, []);
        }
        if (AppCommandArgs.Count > 0 && appCommand.Count == 0)
        {
            _errors.Add("ContainerAppCommandArgs is set without ContainerAppCommand");
            return (null, []);
        }
        switch (instruction)
        {
            case NoneInstruction when appCommand.Count > 0 || AppCommandArgs.Count > 0:
                _errors.Add("ContainerAppCommand or ContainerAppCommandArgs is set, but ContainerAppCommandInstruction is None, which uses neither");
                return (null, []);
            case DefaultArgsInstruction:
                command = [.. appCommand, .. AppCommandArgs, .. command];
                break;
            case EntrypointInstruction when setsEntrypoint:
                _errors.Add("ContainerEntrypoint conflicts with ContainerAppCommandInstruction Entrypoint: the app command is the entrypoint; use DefaultArgs to keep ContainerEntrypoint");
                return (null, []);
            case EntrypointInstruction:
                (entrypoint, entrypointArgs) = (appCommand, AppCommandArgs);
                break;
        }
        return (entrypoint.Count > 0 ? [.. entrypoint, .. entrypointArgs] : null, command);
    }

    // The SDK exposes the ports ASP.NET Core will listen on, read from the image's environment (the base's, then the
    // project's ContainerEnvironmentVariable): ASPNETCORE_URLS alone when set, else ASPNETCORE_HTTP_PORTS and
    // ASPNETCORE_HTTPS_PORTS (ImageBuilder.AssignPortsFromEnvironment). The base's own EXPOSE lines are inherited.
    private IEnumerable<int> AspNetCorePorts()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, string value) in BaseEnvironment.Concat(EnvironmentVariables)) environment[name] = value;
        static string[] Split(string list) => list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        static int? Number(string text) =>
            int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n is > 0 and <= 65535 ? n : null;
        IEnumerable<int?> ports;
        if (environment.TryGetValue("ASPNETCORE_URLS", out string? urls))
        {
            // scheme://host:port[/path]: the SDK reads the digits after the host's last ':' (its aspnetPortRegex).
            ports = Split(urls).Select(url => System.Text.RegularExpressions.Regex.Match(url, @"^\w+://.+:(\d+)") is { Success: true } m ? Number(m.Groups[1].Value) : null);
        }
        else
        {
            ports = new[] { "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS" }
                .SelectMany(name => environment.TryGetValue(name, out string? list) ? Split(list) : []).Select(Number);
        }
        HashSet<string> declared = [.. Ports.Select(p => $"{p.Port}/{(p.Type.Length == 0 ? "tcp" : p.Type.ToLowerInvariant())}")];
        return ports.OfType<int>().Distinct().Where(p => !declared.Contains($"{p}/tcp"));
    }

    // ENV and LABEL names are written bare: one with space, quote, '=', '$' or '\' would need the lexer to read it.
    private bool CheckName(string property, string name)
    {
        if (name.Length > 0 && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '=' or '"' or '\'' or '$' or '\\')) return true;
        _errors.Add($"{property} '{name}' is not a name a Dockerfile can hold: leave out spaces, quotes, '=', '$' and '\\'");
        return false;
    }

    // "value" with \ " $ escaped; a value with a control character becomes a build argument the Dockerfile expands.
    private string Quote(string value)
    {
        if (value.Any(char.IsControl))
        {
            string argument = $"IMGBUILD_VALUE_{_valueArguments.Count}";
            _valueArguments[argument] = value;
            return $"\"${{{argument}}}\"";
        }
        var quoted = new StringBuilder("\"");
        foreach (char c in value)
        {
            if (c is '\\' or '"' or '$') quoted.Append('\\');
            quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    // A JSON array of strings (BuildKit reads exec forms with Go's encoding/json): only '"', '\' and control
    // characters are escaped, so the Dockerfile stays readable.
    private static string Json(IEnumerable<string> values)
    {
        var json = new StringBuilder("[");
        foreach (string value in values)
        {
            if (json.Length > 1) json.Append(", ");
            json.Append('"');
            foreach (char c in value)
            {
                if (c is '"' or '\\') json.Append('\\').Append(c);
                else if (char.IsControl(c)) json.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                else json.Append(c);
            }
            json.Append('"');
        }
        return json.Append(']').ToString();
    }
}
