namespace Builder.Cache.Export;

/// <summary>Where a build's result goes: the <c>type=</c> of <c>--output</c>, as in <c>docker buildx build</c>.</summary>
public enum OutputType
{
    /// <summary>The local image store, under the build's names (the default without <c>--output</c>).</summary>
    Image,

    /// <summary>Pushed to a registry (<c>type=registry</c>, or <c>type=image,push=true</c>).</summary>
    Registry,

    /// <summary>The image's files as a plain directory tree.</summary>
    Local,

    /// <summary>The image's files as one tar archive.</summary>
    Tar,

    /// <summary>An OCI archive (a tar of an OCI layout), or a layout directory with <c>tar=false</c>.</summary>
    Oci,

    /// <summary>An OCI layout directory.</summary>
    OciLayout,

    /// <summary>A Docker archive that <c>docker load</c> reads, or without a destination the image loaded into the Docker engine.</summary>
    Docker,
}
