using System.Collections.Immutable;
using Builder.Engine;
using Builder.Oci;

namespace Builder.Cli.Options;

/// <summary>
/// docker buildx's <c>--build-context NAME=VALUE</c>: a directory, <c>docker-image://REF</c>, or
/// <c>oci-layout://DIR[@sha256:…]</c>.
/// </summary>
internal static class BuildContextParser
{
    /// <exception cref="FormatException">A value without a name, a bad reference or digest, an unsupported scheme.</exception>
    public static ImmutableDictionary<string, NamedContextSource> Parse(IEnumerable<string> values)
    {
        var contexts = ImmutableDictionary.CreateBuilder<string, NamedContextSource>(StringComparer.Ordinal);
        foreach (string value in values)
        {
            string[] parts = value.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new FormatException($"--build-context '{value}': write NAME=DIR, NAME=docker-image://REF or NAME=oci-layout://DIR");
            (string name, string source) = (parts[0], parts[1]);
            if (source.StartsWith("docker-image://", StringComparison.Ordinal))
            {
                string reference = source["docker-image://".Length..];
                contexts[name] = new NamedContextSource.Image(ImageReference.TryParse(reference, out ImageReference? image) ? image
                    : throw new FormatException($"--build-context {name}: '{reference}' is not an image reference"));
            }
            else if (source.StartsWith("oci-layout://", StringComparison.Ordinal))
            {
                string[] location = source["oci-layout://".Length..].Split('@', 2);
                Digest? digest = location.Length < 2 ? null
                    : Digest.TryParse(location[1], out Digest parsed) ? parsed
                    : throw new FormatException($"--build-context {name}: '{location[1]}' is not a digest");
                contexts[name] = new NamedContextSource.OciLayout(location[0], digest);
            }
            else if (source.Contains("://", StringComparison.Ordinal))
            {
                throw new FormatException($"--build-context {name}={source}: not supported yet (a directory, docker-image:// or oci-layout://)");
            }
            else
            {
                contexts[name] = new NamedContextSource.Directory(source);
            }
        }
        return contexts.ToImmutable();
    }
}
