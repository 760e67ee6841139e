using System.Diagnostics.CodeAnalysis;

namespace Builder.Cache.Content;

/// <summary>
/// A build's own folder under the store's <c>work/</c> (<c>work/build-&lt;id&gt;</c>) and the owner lock that says
/// whether its build is alive. The build takes the lock (<c>flock</c>, exclusive, on
/// <see cref="StoreLayout.WorkspaceLock"/>) before it makes the folder, and holds it for as long as its process lives:
/// the kernel drops it when the process dies, <c>kill -9</c> included. A workspace whose lock can be taken therefore
/// belongs to a dead build, and whoever takes it (<see cref="TryAdopt"/>) may remove what that build left. Everything
/// a build makes that would outlive it is under the folder (snapshots and their mounts, bundles, context copies) or
/// named with its id (runc containers, <see cref="ContainerPrefix"/>).
/// </summary>
public sealed class BuildWorkspace : IDisposable
{
    /// <summary>The start of a workspace folder's name, and of its runc containers' ids.</summary>
    public const string FolderPrefix = "build-";

    private const int IdLength = 16;

    private readonly StoreLayout _layout;
    private FileLock? _owner;

    private BuildWorkspace(StoreLayout layout, string id, FileLock owner)
    {
        _layout = layout;
        Id = id;
        _owner = owner;
    }

    /// <summary>The workspace's id: 16 lowercase hex digits.</summary>
    public string Id { get; }

    /// <summary>The workspace folder, <c>work/build-&lt;id&gt;</c>.</summary>
    public string Directory => _layout.Workspace(Id);

    /// <summary>How the ids of this build's runc containers start (<c>build-&lt;id&gt;-</c>), so recovery finds them.</summary>
    public string ContainerPrefix => FolderPrefix + Id + "-";

    /// <summary>Makes a new workspace for this process: its owner lock, held until disposed, then its folder.</summary>
    /// <exception cref="IOException">The lock or the folder cannot be made.</exception>
    public static BuildWorkspace Create(StoreLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        string id = Guid.NewGuid().ToString("N")[..IdLength];
        string lockFile = layout.WorkspaceLock(id);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        // The id is new, so nobody else can hold its lock: taking it cannot wait.
        FileLock owner = FileLock.TryAcquire(lockFile, exclusive: true)
            ?? throw new IOException($"the owner lock {lockFile} of a new build workspace is held by another process");
        try
        {
            System.IO.Directory.CreateDirectory(layout.Workspace(id));
        }
        catch
        {
            File.Delete(lockFile);
            owner.Dispose();
            throw;
        }
        return new BuildWorkspace(layout, id, owner);
    }

    /// <summary>
    /// Takes over workspace <paramref name="id"/> if its build is dead (its owner lock is free); false while the build
    /// lives. The adopter removes what is mounted under the folder and the containers named with the id, then disposes
    /// the workspace, which deletes the folder and the lock.
    /// </summary>
    public static bool TryAdopt(StoreLayout layout, string id, [NotNullWhen(true)] out BuildWorkspace? workspace)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (!IsId(id)) throw new ArgumentException($"'{id}' is not a build workspace id (16 lowercase hex digits)", nameof(id));
        string lockFile = layout.WorkspaceLock(id);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        FileLock? owner = FileLock.TryAcquire(lockFile, exclusive: true);
        workspace = owner is null ? null : new BuildWorkspace(layout, id, owner);
        return workspace is not null;
    }

    /// <summary>The ids of the workspace folders under <c>work/</c>, live or dead.</summary>
    public static IReadOnlyList<string> ListFolders(StoreLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (!System.IO.Directory.Exists(layout.Work)) return [];
        return [.. System.IO.Directory.EnumerateDirectories(layout.Work, FolderPrefix + "*")
            .Select(Path.GetFileName).Select(name => name![FolderPrefix.Length..]).Where(IsId)];
    }

    /// <summary>The workspace id a runc container id names (<c>build-&lt;id&gt;-…</c>), if it names one.</summary>
    public static bool TryIdOfContainer(string containerId, [NotNullWhen(true)] out string? id)
    {
        ArgumentNullException.ThrowIfNull(containerId);
        id = containerId.StartsWith(FolderPrefix, StringComparison.Ordinal) && containerId.Length > FolderPrefix.Length + IdLength
            && containerId[FolderPrefix.Length + IdLength] == '-' ? containerId.Substring(FolderPrefix.Length, IdLength) : null;
        id = id is not null && IsId(id) ? id : null;
        return id is not null;
    }

    /// <summary>The workspace id of a path under <c>work/build-&lt;id&gt;</c> (a mount point), if it is under one.</summary>
    public static bool TryIdOfPath(StoreLayout layout, string path, [NotNullWhen(true)] out string? id)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(path);
        id = null;
        string work = layout.Work + "/";
        if (!path.StartsWith(work, StringComparison.Ordinal)) return false;
        string first = path[work.Length..].Split('/')[0];
        if (!first.StartsWith(FolderPrefix, StringComparison.Ordinal) || !IsId(first[FolderPrefix.Length..])) return false;
        id = first[FolderPrefix.Length..];
        return true;
    }

    /// <summary>Whether <paramref name="text"/> is a workspace id: 16 lowercase hex digits.</summary>
    public static bool IsId(string text) => text.Length == IdLength && text.All(char.IsAsciiHexDigitLower);

    /// <summary>
    /// Deletes the folder, then the owner lock, and releases it. What is mounted under the folder must be unmounted
    /// first. A folder that cannot be deleted is left for recovery to find again.
    /// </summary>
    public void Dispose()
    {
        FileLock? owner = Interlocked.Exchange(ref _owner, null);
        if (owner is null) return;
        try
        {
            if (System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left as it is: the next build or prune adopts it once this process is gone.
        }
        try
        {
            File.Delete(_layout.WorkspaceLock(Id));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        owner.Dispose();
    }
}
