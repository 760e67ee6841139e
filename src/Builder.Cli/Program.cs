namespace Builder.Cli;

/// <summary>The <c>imgbuild</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line and returns the process exit status.</summary>
    public static async Task<int> Main(string[] args)
    {
        using var signals = new TerminationSignals();
        return await ImgbuildCommand.RunAsync(args, Console.Out, Console.Error, CliEnvironment.Process, signals).ConfigureAwait(false);
    }
}
