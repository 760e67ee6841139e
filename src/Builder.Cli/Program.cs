namespace Builder.Cli;

/// <summary>The <c>imgbuild</c> command.</summary>
public static class Program
{
    /// <summary>Runs the command line and returns the process exit status.</summary>
    public static int Main(string[] args) => ImgbuildCommand.Run(args, Console.Out, Console.Error);
}
