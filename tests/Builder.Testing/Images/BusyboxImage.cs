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

        string blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        string tar = Path.Combine(directory, "layer.tar");
        ProcessRunner.Run("tar", ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0",
            "--format=pax", "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime", "-C", rootfs, "-cf", tar, "."]);
        string diffId = Sha256(tar);
        ProcessRunner.Run("gzip", ["-n", "-6", tar]);
        (string layerDigest, long layerSize) = Publish(blobs, File.ReadAllBytes(tar + ".gz"));
        File.Delete(tar + ".gz");
        Directory.Delete(rootfs, recursive: true);

        string config = $$$"""
            {"created":"1970-01-01T00:00:00Z","architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["{{{diffId}}}"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"busybox-static from Debian (imgbuild test fixture)"}]}
            """;
        (string configDigest, long configSize) = Publish(blobs, Encoding.UTF8.GetBytes(config));
        string manifest = $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{configSize}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{{layerDigest}}","size":{{layerSize}}}]}
            """;
        (string manifestDigest, long manifestSize) = Publish(blobs, Encoding.UTF8.GetBytes(manifest));
        File.WriteAllText(Path.Combine(directory, "index.json"), $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{manifestDigest}}}","size":{{{manifestSize}}},"annotations":{"org.opencontainers.image.ref.name":"latest"},"platform":{"architecture":"amd64","os":"linux"}}]}
            """);
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllText(Path.Combine(directory, "manifest-digest"), manifestDigest + "\n");
        File.WriteAllLines(Path.Combine(directory, "applets"), applets);
    }

    private static (string Digest, long Size) Publish(string blobs, byte[] content)
    {
        string digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));
        File.WriteAllBytes(Path.Combine(blobs, digest["sha256:".Length..]), content);
        return (digest, content.Length);
    }

    private static string Sha256(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
