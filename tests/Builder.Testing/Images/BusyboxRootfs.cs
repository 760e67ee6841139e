namespace Builder.Testing.Images;

/// <summary>A fresh, writable copy of the busybox fixture's root filesystem, unpacked with GNU tar; deleted on dispose.</summary>
public sealed class BusyboxRootfs : IDisposable
{
    /// <summary>Unpacks the busybox image's layer into a new temporary directory.</summary>
    public BusyboxRootfs()
    {
        RequiredTool.RequireRoot();
        Parent = Directory.CreateTempSubdirectory("imgbuild-rootfs-").FullName;
        Path = System.IO.Path.Combine(Parent, "rootfs");
        Directory.CreateDirectory(Path);
        string layout = BusyboxImage.OciLayoutDirectory;
        string manifest = File.ReadAllText(System.IO.Path.Combine(layout, "blobs", "sha256", BusyboxImage.ManifestDigest["sha256:".Length..]));
        int layers = manifest.IndexOf("\"layers\"", StringComparison.Ordinal);
        int digest = manifest.IndexOf("sha256:", layers, StringComparison.Ordinal);
        string layer = System.IO.Path.Combine(layout, "blobs", "sha256", manifest.Substring(digest + "sha256:".Length, 64));
        ProcessRunner.Run("tar", ["-xzf", layer, "-C", Path, "--numeric-owner"]);
    }

    /// <summary>A scratch directory beside the root filesystem (for bundles, mounts sources).</summary>
    public string Parent { get; }

    /// <summary>The root filesystem.</summary>
    public string Path { get; }

    /// <summary>Deletes the copy.</summary>
    public void Dispose() => Directory.Delete(Parent, recursive: true);
}
