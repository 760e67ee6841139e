using Builder.Cli;

namespace Builder.EndToEnd.Tests;

/// <summary>Runs the imgbuild command line in the test process, as a user types it, and captures what it prints.</summary>
internal static class InProcessImgbuild
{
    public static (int Status, string Out, string Err) Run(params string[] args) => Run(new Dictionary<string, string?>(), args);

    /// <summary>Runs with <paramref name="environment"/> over the process's variables, as if they were set in a shell:
    /// the process environment itself is not changed, so such tests run in parallel with the others.</summary>
    public static (int Status, string Out, string Err) Run(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int status = ImgbuildCommand.Run(args, stdout, stderr, CliEnvironment.With(environment));
        return (status, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>Build contexts for tests: a new directory under a test's root holding one Dockerfile.</summary>
internal static class TestContext
{
    public static string WithDockerfile(string parent, string dockerfile) =>
        WithDockerfile(parent, "context-" + Guid.NewGuid().ToString("N")[..8], dockerfile);

    public static string WithDockerfile(string parent, string name, string dockerfile)
    {
        string directory = Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
        File.WriteAllText(Path.Combine(directory, "Dockerfile"), dockerfile);
        return directory;
    }
}
