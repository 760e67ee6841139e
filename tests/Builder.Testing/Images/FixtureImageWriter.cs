using System.Security.Cryptography;
using System.Text;

namespace Builder.Testing.Images;

/// <summary>
/// Writes a test base image as an OCI layout with independent tools (GNU tar, gzip) and hand-written JSON, so
/// imgbuild's own code is checked against another producer: one layer per root filesystem directory, in order.
/// </summary>
public static class FixtureImageWriter
{
    /// <summary>Writes the layout into <paramref name="directory"/>, tagged <c>latest</c>, and returns the manifest digest.</summary>
    /// <param name="directory">Where the layout goes.</param>
    /// <param name="layerDirectories">One root filesystem directory per layer.</param>
    /// <param name="env">The config's Env.</param>
    /// <param name="cmd">The config's Cmd.</param>
    /// <param name="createdBy">Each history entry's created_by.</param>
    /// <param name="configDiffIds">Given the layers' diff_ids, what the config lists: for tests of broken images.</param>
    /// <param name="architecture">The config's (and the index entry's) architecture.</param>
    public static string Write(string directory, IReadOnlyList<string> layerDirectories, IReadOnlyList<string> env, IReadOnlyList<string> cmd, string createdBy,
        Func<IReadOnlyList<string>, IEnumerable<string>>? configDiffIds = null, string architecture = "amd64")
    {
        string blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        var diffIds = new List<string>();
        var layers = new List<(string Digest, long Size)>();
        foreach (string rootfs in layerDirectories)
        {
            string tar = Path.Combine(directory, "layer.tar");
            ProcessRunner.Run("tar", ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0",
                "--format=pax", "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime", "-C", rootfs, "-cf", tar, "."], timeout: TimeSpan.FromMinutes(10));
            diffIds.Add(Sha256(tar));
            ProcessRunner.Run("gzip", ["-n", "-6", tar], timeout: TimeSpan.FromMinutes(10));
            string compressed = tar + ".gz";
            string digest = Sha256(compressed);
            long size = new FileInfo(compressed).Length;
            File.Move(compressed, Path.Combine(blobs, digest["sha256:".Length..]), overwrite: true);
            layers.Add((digest, size));
        }
        string Strings(IEnumerable<string> values) => "[" + string.Join(",", values.Select(v => $"\"{v}\"")) + "]";
        string config = $$"""
            {"created":"1970-01-01T00:00:00Z","architecture":"{{architecture}}","os":"linux","config":{"Env":{{Strings(env)}},"Cmd":{{Strings(cmd)}}},"rootfs":{"type":"layers","diff_ids":{{Strings(configDiffIds?.Invoke(diffIds) ?? diffIds)}}},"history":[{{string.Join(",", layers.Select(_ => $"{{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"{createdBy}\"}}"))}}]}
            """;
        (string configDigest, long configSize) = Publish(blobs, Encoding.UTF8.GetBytes(config));
        string layerDescriptors = string.Join(",", layers.Select(l => $"{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"{l.Digest}\",\"size\":{l.Size}}}"));
        string manifest = $$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{configDigest}}","size":{{configSize}}},"layers":[{{layerDescriptors}}]}
            """;
        (string manifestDigest, long manifestSize) = Publish(blobs, Encoding.UTF8.GetBytes(manifest));
        File.WriteAllText(Path.Combine(directory, "index.json"), $$$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{{{manifestDigest}}}","size":{{{manifestSize}}},"annotations":{"org.opencontainers.image.ref.name":"latest"},"platform":{"architecture":"{{{architecture}}}","os":"linux"}}]}
            """);
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        File.WriteAllText(Path.Combine(directory, "manifest-digest"), manifestDigest + "\n");
        return manifestDigest;
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
