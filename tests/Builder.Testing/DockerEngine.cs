namespace Builder.Testing;

/// <summary>
/// The Docker engine (from Debian's <c>docker.io</c>) that tests compare with and load images into. When no engine
/// answers, one is started (<c>dockerd --iptables=false --bridge=none</c>) and left running for the other test
/// processes of the run; <c>.ci/run</c> stops it at the end (pid file <see cref="PidFile"/>).
/// </summary>
public static class DockerEngine
{
    /// <summary>Where the started engine writes its pid.</summary>
    public const string PidFile = "/var/run/imgbuild-test-dockerd.pid";

    private static readonly Lazy<string> Client = new(Start);

    /// <summary>The docker client, with an engine known to answer.</summary>
    public static string Docker => Client.Value;

    /// <summary>Runs the docker client and returns its stdout; a non-zero exit is an exception.</summary>
    public static string Run(params string[] arguments) => ProcessRunner.Run(Docker, arguments, timeout: TimeSpan.FromMinutes(10));

    private static string Start()
    {
        // The client of the docker.io package, matching its engine (another client may come first on PATH).
        string docker = File.Exists("/usr/bin/docker") ? "/usr/bin/docker" : RequiredTool.Find("docker", "docker.io");
        string dockerd = RequiredTool.Find("dockerd", "docker.io");
        RequiredTool.RequireRoot();
        if (Answers(docker)) return docker;
        using FileStream gate = new(Path.Combine(Path.GetTempPath(), "imgbuild-test-dockerd.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        if (Answers(docker)) return docker;
        string log = Path.Combine(Path.GetTempPath(), "imgbuild-test-dockerd.log");
        ProcessRunner.Shell(
            $"nohup {dockerd} --iptables=false --bridge=none --pidfile={PidFile} >{log} 2>&1 </dev/null &");
        DateTime giveUp = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < giveUp)
        {
            if (Answers(docker)) return docker;
            Thread.Sleep(500);
        }
        throw new InvalidOperationException($"dockerd did not answer within 60 s; its log: {log}");
    }

    private static bool Answers(string docker)
    {
        try
        {
            ProcessRunner.Run(docker, ["version", "--format", "{{.Server.Version}}"], timeout: TimeSpan.FromSeconds(20));
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
