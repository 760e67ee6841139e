namespace Builder.Cache.Content;

/// <summary>
/// The folders and files of an imgbuild store, named in one place for build, prune, <c>du</c> and garbage collection
/// alike. Blobs follow the OCI image layout (<c>blobs/sha256/&lt;hex&gt;</c>); the rest is imgbuild's own.
/// </summary>
public sealed class StoreLayout
{
    /// <summary>The layout of the store at <paramref name="root"/> (made absolute; nothing is created).</summary>
    public StoreLayout(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The store's root directory.</summary>
    public string Root { get; }

    /// <summary>Verified blobs: <c>blobs/&lt;algorithm&gt;/&lt;hex&gt;</c>.</summary>
    public string Blobs => Path.Combine(Root, "blobs");

    /// <summary>Blob writes in progress, renamed into <see cref="Blobs"/> once verified.</summary>
    public string Ingest => Path.Combine(Root, "ingest");

    /// <summary>Lock files (<c>flock</c>): the collection lock, the build lock.</summary>
    public string Locks => Path.Combine(Root, "locks");

    /// <summary>The lock every build holds shared and pruning holds exclusively.</summary>
    public string BuildLock => Path.Combine(Locks, "builds.lock");

    /// <summary>The image names: <c>images.json</c>.</summary>
    public string ImagesFile => Path.Combine(Root, "images.json");

    /// <summary>The build cache index: one record file per step cache key.</summary>
    public string CacheIndex => Path.Combine(Root, "cache");

    /// <summary>Committed layers unpacked as directories (overlayfs lower dirs), by diffID.</summary>
    public string Layers => Path.Combine(Root, "layers");

    /// <summary>
    /// What <see cref="CompressedLayerMemo"/> remembers: the compressed blobs made from layers the store keeps
    /// uncompressed, one small file per diffID and compression (<c>&lt;diffID hex&gt;.gzip-6</c>).
    /// </summary>
    public string CompressedLayers => Path.Combine(Root, "compressed-layers");

    /// <summary>Base image root filesystems, unpacked once per manifest.</summary>
    public string Rootfs => Path.Combine(Root, "rootfs");

    /// <summary>Per-build scratch space: one <see cref="BuildWorkspace"/> folder per running build (snapshots, bundles, context copies).</summary>
    public string Work => Path.Combine(Root, "work");

    /// <summary>The folder of the build workspace <paramref name="id"/>: <c>work/build-&lt;id&gt;</c>.</summary>
    public string Workspace(string id) => Path.Combine(Work, BuildWorkspace.FolderPrefix + id);

    /// <summary>
    /// The owner lock of the build workspace <paramref name="id"/>: <c>locks/workspaces/&lt;id&gt;.lock</c>, held by the
    /// build for as long as its process lives.
    /// </summary>
    public string WorkspaceLock(string id) => Path.Combine(Locks, "workspaces", id + ".lock");

    /// <summary>The persistent stat cache of context file hashes.</summary>
    public string StatCache => Path.Combine(Root, "statcache");

    /// <summary>The directories of <c>RUN --mount=type=cache</c>, by id.</summary>
    public string CacheMounts => Path.Combine(Root, "cache-mounts");

    /// <summary>
    /// The name of cache mount <paramref name="id"/>'s directory under <see cref="CacheMounts"/>: a digest of the id,
    /// since an id is any string (a target path by default).
    /// </summary>
    public static string CacheMountName(string id) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id ?? throw new ArgumentNullException(nameof(id)))))[..32];

    /// <summary>
    /// The markers of <see cref="UnflushedWrites"/>: one file per kernel boot ID under which builds wrote without
    /// waiting for the disk, its time the start of that window.
    /// </summary>
    public string Unflushed => Path.Combine(Root, "unflushed");

    /// <summary>runc's state directory (<c>runc --root</c>).</summary>
    public string Runc => Path.Combine(Root, "runc");
}
