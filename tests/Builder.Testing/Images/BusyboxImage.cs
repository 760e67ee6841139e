using System.Security.Cryptography;
using System.Text;

namespace Builder.Testing.Images;

/// <summary>
/// A linux/amd64 base image made from Debian's <c>busybox-static</c>: one layer with <c>/bin/busybox</c>, a link for
/// each applet, <c>/etc/passwd</c>, <c>/etc/group</c> and <c>/tmp</c>. It is written as an OCI image layout with
/// GNU tar, gzip and hand-written JSON, deliberately not with imgbuild's own code, so tests that read it check
/// imgbuild against an independent producer.
/// </summary>
public static class BusyboxImage
{
    private static readonly Lazy<string> Layout = new(Build);

    /// <summary>The OCI layout directory (with <c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256</c>); the index has one manifest, tagged <c>latest</c>.</summary>
    public static string OciLayoutDirectory => Layout.Value;

    /// <summary>The digest (<c>sha256:…</c>) of the image manifest.</summary>
    public static string ManifestDigest => File.ReadAllText(Path.Combine(OciLayoutDirectory, "manifest-digest")).Trim();

    /// <summary>The applets the image's busybox provides, for example <c>sh</c>, <c>ls</c>, <c>cat</c>.</summary>
    public static IReadOnlyList<string> Applets => File.ReadAllLines(Path.Combine(OciLayoutDirectory, "applets"));

    private static string Build()
    {
        string busybox = RequiredTool.Find("busybox", "busybox-static");
        RequiredTool.Find("tar", "tar");
        string version = ProcessRunner.Run(busybox, ["--help"]).Split('\n')[0].Trim();
        string name = "busybox-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(version)))[..12];
        return FixtureDirectory.GetOrBuild(name, directory => Write(directory, busybox));
    }

    private static void Write(string directory, string busybox)
    {
        string rootfs = Path.Combine(directory, "rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "bin"));
        Directory.CreateDirectory(Path.Combine(rootfs, "etc"));
        Directory.CreateDirectory(Path.Combine(rootfs, "tmp"));
        File.Copy(busybox, Path.Combine(rootfs, "bin", "busybox"));
        string[] applets = ProcessRunner.Run(busybox, ["--list"])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(applet => applet != "busybox").Order(StringComparer.Ordinal).ToArray();
        foreach (string applet in applets)
            File.CreateSymbolicLink(Path.Combine(rootfs, "bin", applet), "busybox");
        File.WriteAllText(Path.Combine(rootfs, "etc", "passwd"),
            "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\napp:x:1000:1000:app:/home/app:/bin/sh\n");
        File.WriteAllText(Path.Combine(rootfs, "etc", "group"), "root:x:0:\nnogroup:x:65534:\napp:x:1000:\n");
        ProcessRunner.Run("chmod", ["1777", Path.Combine(rootfs, "tmp")]);

        FixtureImageWriter.Write(directory, [rootfs], ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], ["sh"],
            "busybox-static from Debian (imgbuild test fixture)");
        Directory.Delete(rootfs, recursive: true);
        File.WriteAllLines(Path.Combine(directory, "applets"), applets);
    }
}
