using Builder.Cache.Content;

namespace Builder.Cache.Tests;

/// <summary>A content store in a fresh temporary directory, deleted on dispose.</summary>
internal sealed class TemporaryStore : IDisposable
{
    public TemporaryStore()
    {
        Root = Path.Combine(Path.GetTempPath(), $"imgbuild-store-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Root);
        Content = new ContentStore(Root);
    }

    public string Root { get; }

    public ContentStore Content { get; }

    public string[] IngestFiles() =>
        Directory.Exists(Content.IngestDirectory) ? Directory.GetFiles(Content.IngestDirectory) : [];

    public string[] BlobFiles() =>
        Directory.Exists(Content.BlobsDirectory) ? Directory.GetFiles(Content.BlobsDirectory, "*", SearchOption.AllDirectories) : [];

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A killed helper process may still be closing a file; the directory is under /tmp.
        }
    }
}
