using System.Collections.Immutable;
using Builder.Oci;

namespace Builder.Cli.Options;

/// <summary>
/// buildx's <c>--annotation [TYPE[,TYPE…]:]KEY=VALUE</c> (util/buildflags ParseAnnotations): no type, or
/// <c>manifest</c> (optionally <c>manifest[os/arch]</c>), annotates the image manifest, as BuildKit's exporter reads
/// <c>annotation.KEY</c>. A single-platform image has no index, so <c>index</c> and <c>index-descriptor</c> are refused
/// as BuildKit refuses them ("index annotations not supported for single platform export").
/// </summary>
internal static class AnnotationParser
{
    /// <summary>The manifest annotations of a build for <paramref name="platform"/>.</summary>
    /// <exception cref="FormatException">A malformed value, an unknown type, index annotations, another platform.</exception>
    /// <exception cref="NotSupportedException"><c>manifest-descriptor</c> annotations.</exception>
    public static ImmutableDictionary<string, string> Parse(IEnumerable<string> values, Platform platform)
    {
        var annotations = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (string value in values.Where(v => v.Length > 0))
        {
            int equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0) throw new FormatException($"invalid --annotation '{value}': expected KEY=VALUE");
            string left = value[..equals], annotation = value[(equals + 1)..];
            int colon = left.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                annotations[left] = annotation;
                continue;
            }
            string key = left[(colon + 1)..];
            foreach (string typeAndPlatform in left[..colon].Split(','))
            {
                (string type, string? only) = typeAndPlatform.IndexOf('[', StringComparison.Ordinal) is var open and > 0 && typeAndPlatform.EndsWith(']')
                    ? (typeAndPlatform[..open], typeAndPlatform[(open + 1)..^1])
                    : (typeAndPlatform, null);
                switch (type)
                {
                    case "manifest":
                        if (only is not null)
                        {
                            if (!Platform.TryParse(only, out Platform? wanted))
                                throw new FormatException($"invalid --annotation '{value}': '{only}' is not a platform");
                            if (wanted != platform)
                                throw new FormatException($"invalid --annotation '{value}': no platform {only} in this build (it builds {platform})");
                        }
                        annotations[key] = annotation;
                        break;
                    case "index" or "index-descriptor":
                        throw new FormatException($"invalid --annotation '{value}': index annotations not supported for single platform export (the image has no index)");
                    case "manifest-descriptor":
                        throw new NotSupportedException($"not supported yet: --annotation {typeAndPlatform}:{key} (annotations of the manifest's descriptor)");
                    default:
                        throw new FormatException($"invalid --annotation '{value}': unknown annotation type '{type}': write manifest, manifest-descriptor, index or index-descriptor");
                }
            }
        }
        return annotations.ToImmutable();
    }
}
