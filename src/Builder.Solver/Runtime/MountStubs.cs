using Builder.Filesystem;

namespace Builder.Solver.Runtime;

/// <summary>
/// The empty files and directories runc creates in the root filesystem as mount points (<c>/etc/hosts</c> in an
/// image without one, a bind target). They are removed after the process exits so they never reach the layer;
/// BuildKit does the same (its mount stub cleaner). Anything the process wrote into them is kept.
/// </summary>
internal sealed class MountStubs
{
    private readonly List<string> _created = [];

    /// <summary>Notes, before the container starts, which mount points do not exist yet.</summary>
    public static MountStubs Record(string rootFilesystem, IEnumerable<ContainerMount> mounts)
    {
        var stubs = new MountStubs();
        foreach (ContainerMount mount in mounts)
        {
            // The topmost missing component is what runc will create.
            string current = "/";
            foreach (string part in mount.Destination.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                current = current == "/" ? "/" + part : current + "/" + part;
                string host = RootedPath.Resolve(rootFilesystem, current);
                if (!File.Exists(host) && !Directory.Exists(host) && new FileInfo(host).LinkTarget is null)
                {
                    stubs._created.Add(host);
                    break;
                }
            }
        }
        return stubs;
    }

    /// <summary>Removes the stubs that are still empty.</summary>
    public void Remove()
    {
        foreach (string path in _created.Distinct().OrderByDescending(p => p.Length))
        {
            if (File.Exists(path) && new FileInfo(path).Length == 0) File.Delete(path);
            else if (Directory.Exists(path) && IsEmptyTree(path)) Directory.Delete(path, recursive: true);
        }
    }

    private static bool IsEmptyTree(string directory) =>
        Directory.EnumerateFiles(directory).All(f => new FileInfo(f).Length == 0 && new FileInfo(f).LinkTarget is null)
        && Directory.EnumerateDirectories(directory).All(IsEmptyTree);
}
