namespace Builder.Cache.Tests.Layers;

/// <summary>A directory under /tmp removed on Dispose, after unmounting anything mounted in it.</summary>
internal sealed class TempDirectory : IDisposable
{
    private readonly List<string> _mounts = [];

    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("imgbuild-layers-").FullName;
    }

    public string Path { get; }

    public string Sub(string name)
    {
        string path = System.IO.Path.Join(Path, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Mount(string target, params string[] mountArgs)
    {
        ProcessRunner.Run("mount", mountArgs);
        _mounts.Add(target);
    }

    public void Unmount(string target)
    {
        ProcessRunner.Run("umount", target);
        _mounts.Remove(target);
    }

    public void Dispose()
    {
        foreach (string mount in _mounts)
            ProcessRunner.TryRun("umount", "-l", mount);
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}
