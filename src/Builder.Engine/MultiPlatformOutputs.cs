using Builder.Cache.Export;

namespace Builder.Engine;

/// <summary>Which outputs take the image index of a build for several platforms.</summary>
internal static class MultiPlatformOutputs
{
    /// <summary>Refuses, before anything runs, an output that cannot take an image index.</summary>
    /// <exception cref="NotSupportedException">A Docker output (as buildx refuses it), or a local or tar output (not yet).</exception>
    public static void Check(IEnumerable<OutputSpec> outputs)
    {
        foreach (OutputSpec output in outputs)
        {
            // buildx's docker exporter (exporter/oci with the docker variant): the Docker engine loads one platform.
            if (output.Type == OutputType.Docker)
                throw new NotSupportedException("docker exporter does not currently support exporting manifest lists: build one platform for --load " +
                    "or type=docker, or push the index (--push) or write it with --output type=oci");
            // BuildKit's local and tar exporters write one folder per platform (linux_amd64/…); imgbuild does not yet.
            if (output.Type is OutputType.Local or OutputType.Tar)
                throw new NotSupportedException($"not supported yet: --output type={output.Type.ToString().ToLowerInvariant()} with several platforms " +
                    "(one folder per platform); build one platform at a time");
        }
    }
}
