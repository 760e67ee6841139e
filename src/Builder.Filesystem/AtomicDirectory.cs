namespace Builder.Filesystem;

/// <summary>
/// Makes a directory that appears whole or not at all: it is filled under a temporary sibling name and renamed into
/// place. If another process made the same directory first, theirs is kept (same inputs, same content) and ours is
/// discarded; on failure nothing is left behind.
/// </summary>
public static class AtomicDirectory
{
    /// <summary>Makes <paramref name="directory"/> with <paramref name="fill"/> unless it exists.</summary>
    public static async Task CreateAsync(string directory, Func<string, CancellationToken, Task> fill, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fill);
        if (Directory.Exists(directory)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(directory))!);
        string temporary = directory + "." + Guid.NewGuid().ToString("N");
        try
        {
            await fill(temporary, cancellationToken).ConfigureAwait(false);
            try
            {
                Directory.Move(temporary, directory);
            }
            catch (IOException) when (Directory.Exists(directory))
            {
                // made meanwhile by another build; theirs is identical
            }
        }
        finally
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        }
    }
}
