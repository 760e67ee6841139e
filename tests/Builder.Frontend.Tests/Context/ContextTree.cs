using Builder.Filesystem.Patterns;
namespace Builder.Frontend.Tests.Context;

/// <summary>A temporary directory, deleted on dispose.</summary>
internal sealed class ContextTree : IDisposable
{
    public ContextTree()
    {
        Root = Path.Combine(Path.GetTempPath(), "imgbuild-context-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public ContextTree File(string relativePath, string content = "")
    {
        string full = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, content);
        return this;
    }

    public ContextTree Dir(string relativePath)
    {
        Directory.CreateDirectory(Path.Combine(Root, relativePath));
        return this;
    }

    public ContextTree Symlink(string relativePath, string target)
    {
        System.IO.File.CreateSymbolicLink(Path.Combine(Root, relativePath), target);
        return this;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
