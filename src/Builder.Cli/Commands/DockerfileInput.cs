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
    public async Task<int> RunAsync(Func<string, CancellationToken, Task<int>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            Text = await DockerfileReader.ReadAsync(Path, TextReader.Null, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await stderr.WriteLineAsync($"imgbuild: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        try
        {
            return await action(Text, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerfileException e)
        {
            await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            DiagnosticPrinter.Print(stderr, e.Diagnostic, e.Diagnostic.Span.File == DisplayName ? Text : null);
            return 1;
        }
    }
}
