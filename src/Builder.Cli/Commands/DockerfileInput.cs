using Builder.Cli.Output;
using Builder.Frontend.Diagnostics;

namespace Builder.Cli.Commands;

/// <summary>Reads the Dockerfile a command names and turns a <see cref="DockerfileException"/> into printed output and exit status 1.</summary>
internal sealed class DockerfileInput(string path, TextWriter stdout, TextWriter stderr)
{
    public string Path { get; } = path;

    /// <summary>The file's name as diagnostics show it: as the user gave it.</summary>
    public string DisplayName => Path;

    public string? Text { get; private set; }

    /// <summary>Runs <paramref name="action"/> on the file's text; prints errors and returns the exit status.</summary>
    public int Run(Func<string, int> action)
    {
        try
        {
            Text = File.ReadAllText(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"imgbuild: cannot read Dockerfile '{Path}': {e.Message}");
            return 1;
        }
        try
        {
            return action(Text);
        }
        catch (DockerfileException e)
        {
            stdout.Flush();
            DiagnosticPrinter.Print(stderr, e.Diagnostic, e.Diagnostic.Span.File == DisplayName ? Text : null);
            return 1;
        }
    }
}
