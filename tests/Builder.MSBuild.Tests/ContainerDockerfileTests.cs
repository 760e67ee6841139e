using Builder.MSBuild;

namespace Builder.MSBuild.Tests;

/// <summary>The Dockerfile written from the SDK's container properties: escaping, and entrypoint and command as the SDK sets them.</summary>
public sealed class ContainerDockerfileTests
{
    private const string Web = "mcr.microsoft.com/dotnet/aspnet:10.0";
    private static readonly string[] WebCommand = ["dotnet", "/app/web.dll"];

    private static ContainerDockerfile Dockerfile() => new() { BaseImage = Web, WorkingDirectory = "/app/", AppCommand = WebCommand };

    private static string[] Lines(ContainerDockerfile dockerfile)
    {
        string text = dockerfile.Render();
        Assert.Empty(dockerfile.Errors);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Render_Defaults_CopiesThePublishOutputAndRunsTheApp()
    {
        Assert.Equal([
            "# Written by Builder.MSBuild from the project's container properties",
            "FROM mcr.microsoft.com/dotnet/aspnet:10.0",
            "WORKDIR \"/app/\"",
            "COPY [\".\", \"/app/\"]",
            "ENTRYPOINT [\"dotnet\", \"/app/web.dll\"]",
        ], Lines(Dockerfile()));
    }

    [Fact]
    public void Render_PublishPerPlatform_CopiesFromTheStageOfThePlatformsNamedContext()
    {
        Assert.Equal([
            "# Written by Builder.MSBuild from the project's container properties",
            "FROM imgbuild-publish-${TARGETARCH}${TARGETVARIANT} AS publish",
            "FROM mcr.microsoft.com/dotnet/aspnet:10.0",
            "WORKDIR \"/app/\"",
            "COPY --from=publish [\".\", \"/app/\"]",
            "ENTRYPOINT [\"dotnet\", \"/app/web.dll\"]",
        ], Lines(new ContainerDockerfile
        {
            BaseImage = "mcr.microsoft.com/dotnet/aspnet:10.0",
            WorkingDirectory = "/app/",
            AppCommand = ["dotnet", "/app/web.dll"],
            PublishPerPlatform = true,
        }));
    }

    [Fact]
    public void Render_ValuesWithDollarQuoteAndBackslash_AreEscapedInDoubleQuotes()
    {
        var dockerfile = new ContainerDockerfile
        {
            BaseImage = "base",
            WorkingDirectory = "/app",
            EnvironmentVariables = [("PRICE", "costs $5 \"now\" C:\\dir\\")],
            Labels = [("org.example.note", "a ${b} \\ c")],
        };

        string[] lines = Lines(dockerfile);

        Assert.Contains("ENV PRICE=\"costs \\$5 \\\"now\\\" C:\\\\dir\\\\\"", lines);
        Assert.Contains("LABEL org.example.note=\"a \\${b} \\\\ c\"", lines);
    }

    [Fact]
    public void Render_ValueWithALineBreak_IsABuildArgumentTheDockerfileExpands()
    {
        var dockerfile = new ContainerDockerfile { BaseImage = "base", WorkingDirectory = "/app", EnvironmentVariables = [("MOTD", "line 1\nline \"2\"")] };

        string[] lines = Lines(dockerfile);

        Assert.Equal(["FROM base", "ARG IMGBUILD_VALUE_0"], lines[1..3]);
        Assert.Contains("ENV MOTD=\"${IMGBUILD_VALUE_0}\"", lines);
        Assert.Equal("line 1\nline \"2\"", dockerfile.ValueArguments["IMGBUILD_VALUE_0"]);
    }

    [Fact]
    public void Render_PortsUserAndArguments_AreExposeUserEntrypointAndCmd()
    {
        var dockerfile = new ContainerDockerfile
        {
            BaseImage = "base",
            WorkingDirectory = "/app",
            Ports = [("8080", ""), ("53", "UDP")],
            User = "1654",
            AppCommand = ["/app/web"],
            AppCommandArgs = ["--urls", "http://+:8080"],
            DefaultArgs = ["--verbose"],
        };

        string[] lines = Lines(dockerfile);

        Assert.Equal(["EXPOSE 8080/tcp", "EXPOSE 53/udp", "USER \"1654\"", "ENTRYPOINT [\"/app/web\", \"--urls\", \"http://+:8080\"]", "CMD [\"--verbose\"]"], lines[^5..]);
    }

    [Fact]
    public void Render_DefaultArgsInstruction_PutsTheAppCommandInCmdAndKeepsTheBaseEntrypoint()
    {
        ContainerDockerfile dockerfile = new()
        {
            BaseImage = "base",
            WorkingDirectory = "/app",
            AppCommand = ["dotnet", "/app/web.dll"],
            AppCommandArgs = ["--a"],
            DefaultArgs = ["--b"],
            AppCommandInstruction = "DefaultArgs",
        };

        string[] lines = Lines(dockerfile);

        Assert.DoesNotContain(lines, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal));
        Assert.Equal("CMD [\"dotnet\", \"/app/web.dll\", \"--a\", \"--b\"]", lines[^1]);
    }

    [Fact]
    public void Render_ContainerEntrypoint_MakesTheAppCommandDefaultArgs()
    {
        ContainerDockerfile dockerfile = new()
        {
            BaseImage = "base",
            WorkingDirectory = "/app",
            AppCommand = ["dotnet", "/app/web.dll"],
            EntrypointItems = ["/tini", "--"],
        };

        string[] lines = Lines(dockerfile);

        Assert.Equal(["ENTRYPOINT [\"/tini\", \"--\"]", "CMD [\"dotnet\", \"/app/web.dll\"]"], lines[^2..]);
    }

    [Fact]
    public void Render_OnlyContainerEntrypointArgs_AreTheAppCommandsArguments()
    {
        ContainerDockerfile dockerfile = new() { BaseImage = "base", WorkingDirectory = "/app", AppCommand = ["/app/web"], EntrypointArgs = ["--port", "80"] };

        string[] lines = Lines(dockerfile);

        Assert.Equal(["ENTRYPOINT [\"/app/web\"]", "CMD [\"--port\", \"80\"]"], lines[^2..]);
    }

    [Fact]
    public void Render_NoneInstruction_WritesNoEntrypoint()
    {
        ContainerDockerfile dockerfile = new() { BaseImage = "base", WorkingDirectory = "/app", AppCommandInstruction = "None" };

        Assert.DoesNotContain(Lines(dockerfile), l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal) || l.StartsWith("CMD", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_BaseWithAppUid_RunsAsThatUser()
    {
        Assert.Contains("USER ${APP_UID}", Lines(new ContainerDockerfile { BaseImage = "b", WorkingDirectory = "/app", BaseEnvironment = [("APP_UID", "1654")] }));
    }

    [Fact]
    public void Render_BaseWithAppUidAndContainerUser_RunsAsContainerUser()
    {
        string[] lines = Lines(new ContainerDockerfile { BaseImage = "b", WorkingDirectory = "/app", User = "root", BaseEnvironment = [("APP_UID", "1654")] });

        Assert.Equal("USER \"root\"", Assert.Single(lines, l => l.StartsWith("USER", StringComparison.Ordinal)));
    }

    [Fact]
    public void Render_BaseWithoutAppUid_KeepsTheBasesUser()
    {
        Assert.DoesNotContain(Lines(Dockerfile()), l => l.StartsWith("USER", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_ResolvedBase_FromPinsItsDigest()
    {
        const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

        string[] lines = Lines(new ContainerDockerfile { BaseImage = "127.0.0.1:5000/base:1", BaseImageDigest = Digest, BaseEntrypoint = [], WorkingDirectory = "/app" });

        Assert.Equal($"FROM 127.0.0.1:5000/base:1@{Digest}", lines[1]);
    }

    // The SDK drops a base ENTRYPOINT of dotnet (ImageBuilder.DetermineEntrypointAndCmd), and never keeps the base's CMD.
    [Theory]
    [InlineData("dotnet")]
    [InlineData("/usr/bin/dotnet")]
    public void Render_BaseEntrypointDotnetAndNoAppCommand_ClearsIt(string dotnet)
    {
        ContainerDockerfile dockerfile = new()
        {
            BaseImage = "base", WorkingDirectory = "/app", AppCommandInstruction = "None", BaseEntrypoint = [dotnet], BaseCmd = ["--info"], BaseImageDigest = "sha256:1",
        };

        string[] lines = Lines(dockerfile);

        Assert.Equal("ENTRYPOINT []", lines[^1]);
        Assert.Empty(dockerfile.Warnings);
    }

    [Fact]
    public void Render_BaseEntrypointDotnet_IsReplacedByTheAppCommandWithoutAWarning()
    {
        ContainerDockerfile dockerfile = new ContainerDockerfile { BaseImage = Web, WorkingDirectory = "/app/", AppCommand = WebCommand, BaseEntrypoint = ["dotnet"] };

        Assert.Equal("ENTRYPOINT [\"dotnet\", \"/app/web.dll\"]", Lines(dockerfile)[^1]);
        Assert.Empty(dockerfile.Warnings);
    }

    [Fact]
    public void Render_BaseEntrypointOfItsOwn_IsReplacedWithAWarning()
    {
        ContainerDockerfile dockerfile = new ContainerDockerfile { BaseImage = Web, WorkingDirectory = "/app/", AppCommand = WebCommand, BaseEntrypoint = ["/sbin/tini", "--"] };

        Assert.Equal("ENTRYPOINT [\"dotnet\", \"/app/web.dll\"]", Lines(dockerfile)[^1]);
        Assert.StartsWith("the base image's ENTRYPOINT [\"/sbin/tini\", \"--\"] is replaced by the app command", Assert.Single(dockerfile.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_DefaultArgsOnABaseEntrypoint_KeepsItAndTheAppCommandIsCmd()
    {
        ContainerDockerfile dockerfile = new ContainerDockerfile { BaseImage = Web, WorkingDirectory = "/app/", AppCommand = WebCommand, BaseEntrypoint = ["/sbin/tini", "--"], BaseCmd = ["sh"], AppCommandInstruction = "DefaultArgs" };

        string[] lines = Lines(dockerfile);

        Assert.DoesNotContain(lines, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal));
        Assert.Equal("CMD [\"dotnet\", \"/app/web.dll\"]", lines[^1]);
        Assert.Empty(dockerfile.Warnings);
    }

    [Fact]
    public void Render_NoneOnABaseWithACmd_KeepsItsEntrypointAndClearsItsCmd()
    {
        ContainerDockerfile dockerfile = new()
        {
            BaseImage = "base", WorkingDirectory = "/app", AppCommandInstruction = "None", BaseEntrypoint = ["/sbin/tini", "--"], BaseCmd = ["sh"], BaseImageDigest = "sha256:1",
        };

        string[] lines = Lines(dockerfile);

        Assert.DoesNotContain(lines, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal));
        Assert.Equal("CMD []", lines[^1]);
    }

    // ImageBuilder.AssignPortsFromEnvironment: ASPNETCORE_URLS alone when set, else the HTTP and HTTPS port lists.
    [Theory]
    [InlineData("ASPNETCORE_HTTP_PORTS", "8080", "", new[] { 8080 })]
    [InlineData("ASPNETCORE_HTTP_PORTS", "8080;8081", "ASPNETCORE_HTTPS_PORTS=8443", new[] { 8080, 8081, 8443 })]
    [InlineData("ASPNETCORE_URLS", "http://+:5000;https://localhost:5001/base", "ASPNETCORE_HTTP_PORTS=8080", new[] { 5000, 5001 })]
    public void Render_AspNetCorePortVariables_AreExposed(string name, string value, string projectVariable, int[] expected)
    {
        string[] project = projectVariable.Split('=', 2);
        ContainerDockerfile dockerfile = new ContainerDockerfile
        {
            BaseImage = Web, WorkingDirectory = "/app/", AppCommand = WebCommand,
            BaseEnvironment = [(name, value)],
            EnvironmentVariables = projectVariable.Length == 0 ? [] : [(project[0], project[1])],
        };

        string[] lines = Lines(dockerfile);

        Assert.Equal(expected.Select(p => $"EXPOSE {p}/tcp"), lines.Where(l => l.StartsWith("EXPOSE", StringComparison.Ordinal)));
    }

    [Fact]
    public void Render_ProjectPortVariable_OverridesTheBases()
    {
        ContainerDockerfile dockerfile = new ContainerDockerfile
        {
            BaseImage = Web, WorkingDirectory = "/app/", AppCommand = WebCommand,
            BaseEnvironment = [("ASPNETCORE_HTTP_PORTS", "8080")],
            EnvironmentVariables = [("ASPNETCORE_HTTP_PORTS", "5000")],
        };

        Assert.Equal(["EXPOSE 5000/tcp"], Lines(dockerfile).Where(l => l.StartsWith("EXPOSE", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("None", "ContainerAppCommand or ContainerAppCommandArgs is set, but ContainerAppCommandInstruction is None")]
    [InlineData("Shell", "ContainerAppCommandInstruction 'Shell' is not one of Entrypoint, DefaultArgs or None")]
    public void Render_BadInstruction_IsAnErrorNamingTheProperty(string instruction, string expected)
    {
        ContainerDockerfile dockerfile = new() { BaseImage = "b", WorkingDirectory = "/app", AppCommand = ["/app/web"], AppCommandInstruction = instruction };

        dockerfile.Render();

        Assert.StartsWith(expected, Assert.Single(dockerfile.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http", "", "ContainerPort 'http' is not a port number")]
    [InlineData("70000", "", "ContainerPort '70000' is not a port number")]
    [InlineData("80", "sctp", "ContainerPort '80' has Type 'sctp'")]
    public void Render_BadPort_IsAnErrorNamingIt(string port, string type, string expected)
    {
        ContainerDockerfile dockerfile = new() { BaseImage = "b", WorkingDirectory = "/app", Ports = [(port, type)] };

        dockerfile.Render();

        Assert.StartsWith(expected, Assert.Single(dockerfile.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_EnvironmentNameWithASpace_IsAnError()
    {
        ContainerDockerfile dockerfile = new() { BaseImage = "b", WorkingDirectory = "/app", EnvironmentVariables = [("MY VAR", "1")] };

        dockerfile.Render();

        Assert.StartsWith("ContainerEnvironmentVariable 'MY VAR' is not a name", Assert.Single(dockerfile.Errors), StringComparison.Ordinal);
    }
}
