using System.CommandLine;
using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Oci;

namespace Builder.Cli.Commands;

/// <summary>
/// The global <c>--root</c> option and the running of store commands: resolves the store
/// (<see cref="StoreLocation"/>), and turns the errors a user can cause into one line on stderr and exit status 1.
/// </summary>
internal sealed class StoreRoot(CliEnvironment environment)
{
    public Option<string?> Option { get; } = new("--root")
    {
        Description = $"The local store (default: ${StoreLocation.RootVariable}, else {StoreLocation.SystemRoot} for root, else $XDG_DATA_HOME/imgbuild)",
        Recursive = true,
    };

    /// <summary>The store root the command line and the environment select.</summary>
    public string Resolve(ParseResult result) =>
        StoreLocation.Resolve(result.GetValue(Option), environment.Variable, Environment.IsPrivilegedProcess);

    /// <summary>Runs <paramref name="action"/> against the store the command line selects.</summary>
    public async Task<int> RunAsync(ParseResult result, TextWriter stderr, Func<ImageStore, Task<int>> action)
    {
        try
        {
            var images = new ImageStore(new ContentStore(Resolve(result)));
            return await action(images).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUserError(e))
        {
            stderr.WriteLine($"imgbuild: {Output.TerminalText.EscapeLines(e.Message)}");
            return 1;
        }
        catch (ArgumentException e)
        {
            string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            stderr.WriteLine($"imgbuild: {Output.TerminalText.EscapeLines(message)}");
            return 1;
        }
    }

    /// <summary>Whether <paramref name="e"/> is an error the user can cause and fix (printed as one line, no stack trace).</summary>
    public static bool IsUserError(Exception e) =>
        e is ImageNotFoundException or BlobNotFoundException or DigestMismatchException or Builder.Cache.Distribution.RegistryException or InvalidOperationException
            or NotSupportedException or FormatException or System.Text.Json.JsonException or InvalidDataException or IOException or UnauthorizedAccessException;

    /// <summary>Parses an image name the user wrote; a bad one is a <see cref="FormatException"/> quoting it.</summary>
    public static ImageReference ParseReference(string name) => ImageReference.Parse(name);
}
