using System.Text;
using Builder.Cache.Layers;

namespace Builder.Cli.Commands;

/// <summary>
/// Reads the Dockerfile a command names (<c>-f</c>, or <c>-</c> for standard input) with the limits BuildKit has:
/// only a regular file is opened (a directory, device or fifo is refused, never read), and no more than
/// <see cref="MaxSize"/> is read.
/// </summary>
internal static class DockerfileReader
{
    /// <summary>
    /// 16 MiB: BuildKit reads the Dockerfile through one gRPC message (the frontend's <c>ReadFile</c>), which
    /// containerd's <c>defaults.DefaultMaxRecvMsgSize</c> caps at 16 MiB.
    /// </summary>
    public const int MaxSize = 16 << 20;

    /// <summary>The Dockerfile's text.</summary>
    /// <exception cref="IOException">It is not a regular file, is too large, or cannot be read; the message names it and says why.</exception>
    public static async Task<string> ReadAsync(string path, TextReader standardInput, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(standardInput);
        if (path == "-") return await ReadCappedAsync(standardInput, "cannot read the Dockerfile from standard input", cancellationToken).ConfigureAwait(false);
        string shown = $"cannot read Dockerfile '{path}'";
        try
        {
            // A link is followed (a Dockerfile may be one); what it leads to must be a regular file.
            string target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
            HostEntry entry = HostFiles.Describe(target) ?? throw new IOException($"{shown}: it does not exist");
            if (entry.Kind != HostEntryKind.File)
                throw new IOException($"{shown}: it is {KindOf(entry)}, not a regular file");
            if (entry.Identity.Size > MaxSize)
                throw new IOException($"{shown}: it is larger than {MaxSize >> 20} MiB ({entry.Identity.Size} bytes), BuildKit's limit");
            using var reader = new StreamReader(target, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return await ReadCappedAsync(reader, shown, cancellationToken).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException)
        {
            throw new IOException($"{shown}: permission denied");
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new IOException($"{shown}: it does not exist");
        }
    }

    private static string KindOf(HostEntry entry) => entry.Kind switch
    {
        HostEntryKind.Directory => "a directory",
        HostEntryKind.Socket => "a socket",
        _ => entry.Node?[0] switch { 'c' => "a character device", 'b' => "a block device", _ => "a fifo" },
    };

    // Reads at most MaxSize characters: a file that grew since it was looked at, or an endless standard input, stops there.
    private static async Task<string> ReadCappedAsync(TextReader reader, string shown, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        // 16 K characters: 80 K would be a large-object allocation (its pages zeroed) for a file that is mostly tiny.
        char[] buffer = new char[16384];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (text.Length + read > MaxSize)
                throw new IOException($"{shown}: it is larger than {MaxSize >> 20} MiB, BuildKit's limit");
            text.Append(buffer, 0, read);
        }
        return text.ToString();
    }
}
