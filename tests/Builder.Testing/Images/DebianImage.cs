namespace Builder.Testing.Images;

/// <summary>
/// A plain Debian bookworm base, as an OCI layout tagged <c>latest</c>: one layer, the debootstrap minbase rootfs
/// (made once per machine from the package mirror). Its files change when Debian does, so cases built FROM it are
/// compared with the Docker engine's BuildKit at test time, never with a golden file.
/// </summary>
public static class DebianImage
{
    private static readonly Lazy<string> Rootfs = new(() =>
        FixtureDirectory.GetOrBuild("debian-bookworm-minbase", directory =>
            ProcessRunner.Run(RequiredTool.Find("debootstrap", "debootstrap"), ["--variant=minbase", "bookworm", Path.Combine(directory, "rootfs")],
                timeout: TimeSpan.FromMinutes(20))));

    private static readonly Lazy<string> Layout = new(() =>
        FixtureDirectory.GetOrBuild("debian-bookworm-image", directory =>
            FixtureImageWriter.Write(directory, [Path.Combine(RootfsParent, "rootfs")],
                ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], ["bash"], "Debian bookworm minbase (imgbuild test fixture)")));

    /// <summary>The folder whose <c>rootfs</c> is the debootstrap minbase tree.</summary>
    public static string RootfsParent => Rootfs.Value;

    /// <summary>The OCI layout directory.</summary>
    public static string OciLayoutDirectory => Layout.Value;
}
