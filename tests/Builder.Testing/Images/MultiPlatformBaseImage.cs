using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Builder.Testing.Images;

/// <summary>
/// A base image for two platforms, as an OCI layout whose <c>latest</c> is an image index: linux/amd64 is the busybox
/// fixture (<see cref="BusyboxImage"/>), linux/arm64 a tiny synthetic image (one layer with <c>/etc/platform</c> and
/// <c>/arm64-only</c>, config architecture arm64). No RUN can execute in the arm64 one on an amd64 machine, and none
/// needs to: cross builds only COPY onto it. Written with hand-written JSON, not imgbuild's code.
/// </summary>
public static class MultiPlatformBaseImage
{
    private static readonly Lazy<string> Layout = new(Build);

    /// <summary>The OCI layout directory; its <c>latest</c> names the index.</summary>
    public static string OciLayoutDirectory => Layout.Value;

    /// <summary>The digest of the linux/arm64 manifest.</summary>
    public static string Arm64ManifestDigest => File.ReadAllText(Path.Combine(OciLayoutDirectory, "arm64-manifest-digest")).Trim();

    /// <summary>The digests of the linux/arm64 image's layers, bottom first.</summary>
    public static IReadOnlyList<string> Arm64LayerDigests => File.ReadAllLines(Path.Combine(OciLayoutDirectory, "arm64-layers"));

    private static string Build()
    {
        string busybox = BusyboxImage.OciLayoutDirectory;
        string name = "multi-platform-" + BusyboxImage.ManifestDigest["sha256:".Length..][..12];
        return FixtureDirectory.GetOrBuild(name, directory => Write(directory, busybox));
    }

    private static void Write(string directory, string busybox)
    {
        string arm64 = Path.Combine(directory, "arm64-layout");
        string rootfs = Path.Combine(directory, "arm64-rootfs");
        Directory.CreateDirectory(Path.Combine(rootfs, "etc"));
        File.WriteAllText(Path.Combine(rootfs, "etc", "platform"), "linux/arm64\n");
        File.WriteAllText(Path.Combine(rootfs, "arm64-only"), "only in the arm64 base\n");
        string arm64Manifest = FixtureImageWriter.Write(arm64, [rootfs], ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], ["sh"],
            "synthetic arm64 base (imgbuild test fixture)", architecture: "arm64");
        Directory.Delete(rootfs, recursive: true);

        string blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        foreach (string source in new[] { busybox, arm64 })
        {
            foreach (string blob in Directory.GetFiles(Path.Combine(source, "blobs", "sha256")))
                File.Copy(blob, Path.Combine(blobs, Path.GetFileName(blob)), overwrite: true);
        }
        JsonNode amd64Entry = Entry(busybox);
        JsonNode arm64Entry = Entry(arm64);
        byte[] index = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(amd64Entry, arm64Entry),
        }.ToJsonString());
        string indexDigest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(index));
        File.WriteAllBytes(Path.Combine(blobs, indexDigest["sha256:".Length..]), index);
        File.WriteAllText(Path.Combine(directory, "index.json"), new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = "application/vnd.oci.image.index.v1+json",
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.index.v1+json",
                ["digest"] = indexDigest,
                ["size"] = index.Length,
                ["annotations"] = new JsonObject { ["org.opencontainers.image.ref.name"] = "latest" },
            }),
        }.ToJsonString());
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllText(Path.Combine(directory, "arm64-manifest-digest"), arm64Manifest + "\n");
        JsonNode manifest = JsonNode.Parse(File.ReadAllBytes(Path.Combine(blobs, arm64Manifest["sha256:".Length..])))!;
        File.WriteAllLines(Path.Combine(directory, "arm64-layers"), manifest["layers"]!.AsArray().Select(l => (string)l!["digest"]!));
        Directory.Delete(arm64, recursive: true);
    }

    // The one manifest of a fixture layout's index.json, without its ref name (the platform stays).
    private static JsonNode Entry(string layout)
    {
        JsonNode entry = JsonNode.Parse(File.ReadAllText(Path.Combine(layout, "index.json")))!["manifests"]![0]!.DeepClone();
        entry.AsObject().Remove("annotations");
        return entry;
    }
}
