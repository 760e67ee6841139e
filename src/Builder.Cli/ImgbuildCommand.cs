namespace Builder.Cli;

/// <summary>Builds the command tree and runs it with the given output streams, so tests can call it in-process.</summary>
internal static class ImgbuildCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        stderr.WriteLine("imgbuild: no command given");
        return 2;
    }
}
