using Builder.Cache.Content;
using Builder.Oci;

namespace Builder.Cache.StoreProcess;

/// <summary>
/// <c>write ROOT FILE DIGEST</c>: writes FILE to the store at ROOT, expecting DIGEST. Halfway through it prints
/// <c>half</c> and waits for a line on stdin, so a test can hold several writers inside one write at once (or kill
/// one there). Prints <c>done</c> when the blob is stored.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["workspace", string storeRoot])
        {
            using (BuildWorkspace workspace = BuildWorkspace.Create(new StoreLayout(storeRoot)))
            {
                Console.WriteLine(workspace.Id);
                await Console.In.ReadLineAsync().ConfigureAwait(false);
            }
            Console.WriteLine("done");
            return 0;
        }
        if (args is not ["write", string root, string file, string digest])
        {
            await Console.Error.WriteLineAsync("usage: write ROOT FILE DIGEST | workspace ROOT").ConfigureAwait(false);
            return 2;
        }
        var store = new ContentStore(root);
        await using var source = new PausingStream(File.OpenRead(file));
        await store.WriteAsync(source, Digest.Parse(digest)).ConfigureAwait(false);
        Console.WriteLine("done");
        return 0;
    }
}
