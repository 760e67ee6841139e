namespace Builder.Cache.Layers;

/// <summary>Which family of media types a layer descriptor uses, matching the manifest it goes into.</summary>
public enum LayerFlavor
{
    /// <summary><c>application/vnd.oci.image.layer.v1.tar[+gzip|+zstd]</c>.</summary>
    Oci,

    /// <summary><c>application/vnd.docker.image.rootfs.diff.tar[.gzip]</c> (Docker image manifest v2 schema 2).</summary>
    Docker,
}
