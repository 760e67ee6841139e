using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Builder.Oci;

/// <summary>
/// A normalised Docker image reference: <c>registry/repository[:tag][@digest]</c>.
/// <c>alpine</c> becomes <c>docker.io/library/alpine:latest</c>, as docker/distribution's
/// <c>reference.ParseNormalizedNamed</c> followed by <c>TagNameOnly</c> does.
/// </summary>
public sealed partial record ImageReference
{
    /// <summary>The registry Docker Hub references normalise to.</summary>
    public const string DockerHubRegistry = "docker.io";

    /// <summary>The tag a reference without tag or digest gets.</summary>
    public const string DefaultTag = "latest";

    private const string LegacyDockerHubRegistry = "index.docker.io";
    private const string OfficialRepositoryPrefix = "library/";
    private const int NameMaxLength = 255;

    private ImageReference(string registry, string repository, string? tag, Digest? digest) =>
        (Registry, Repository, Tag, Digest) = (registry, repository, tag, digest);

    /// <summary>The registry host, with port if given: <c>docker.io</c>, <c>localhost:5000</c>.</summary>
    public string Registry { get; }

    /// <summary>The repository path inside the registry: <c>library/alpine</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag, or <see langword="null"/> when the reference only has a digest.</summary>
    public string? Tag { get; }

    /// <summary>The digest, or <see langword="null"/> when the reference only has a tag.</summary>
    public Digest? Digest { get; }

    /// <summary>The fully qualified repository name: <c>docker.io/library/alpine</c>.</summary>
    public string Name => $"{Registry}/{Repository}";

    /// <summary>
    /// The reference as a user would write it: Docker Hub's registry and the <c>library/</c> prefix left out
    /// (<c>alpine:latest</c>, <c>user/app:1</c>, <c>ghcr.io/o/app@sha256:…</c>); docker/distribution's
    /// <c>FamiliarString</c>.
    /// </summary>
    public string FamiliarName
    {
        get
        {
            string name = Name;
            if (Registry == DockerHubRegistry)
            {
                name = Repository;
                if (name.StartsWith(OfficialRepositoryPrefix, StringComparison.Ordinal)
                    && name.IndexOf('/', OfficialRepositoryPrefix.Length) < 0)
                    name = name[OfficialRepositoryPrefix.Length..];
            }
            return name + Suffix;
        }
    }

    /// <summary>Returns this reference with <paramref name="digest"/> added (the tag is kept).</summary>
    public ImageReference WithDigest(Digest digest) => new(Registry, Repository, Tag, digest);

    /// <summary>Parses and normalises a reference.</summary>
    /// <exception cref="FormatException">
    /// <paramref name="reference"/> is not a valid reference; the message quotes it and says what is wrong.
    /// </exception>
    public static ImageReference Parse(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (TryParse(reference, out ImageReference? result, out string? problem))
            return result;
        throw new FormatException($"'{reference}' is not a valid image reference: {problem}");
    }

    /// <summary>Parses and normalises a reference, returning <see langword="false"/> instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? reference, [NotNullWhen(true)] out ImageReference? result) =>
        TryParse(reference, out result, out _);

    /// <summary>The canonical form: <c>docker.io/library/alpine:latest</c>, <c>host/ns/app:tag@sha256:…</c>.</summary>
    public override string ToString() => Name + Suffix;

    private string Suffix => (Tag is null ? "" : ":" + Tag) + (Digest is { } d ? "@" + d : "");

    private static bool TryParse(
        string? reference, [NotNullWhen(true)] out ImageReference? result, [NotNullWhen(false)] out string? problem)
    {
        result = null;
        if (string.IsNullOrEmpty(reference))
        {
            problem = "the reference is empty";
            return false;
        }

        string name = reference;
        Digest? digest = null;
        int at = name.IndexOf('@');
        if (at >= 0)
        {
            string written = name[(at + 1)..];
            if (!Oci.Digest.TryParse(written, out Digest parsed))
            {
                problem = $"the digest '{written}' is not 'sha256:' followed by 64 lowercase hex characters";
                return false;
            }
            digest = parsed;
            name = name[..at];
        }

        string? tag = null;
        int colon = name.LastIndexOf(':');
        if (colon > name.LastIndexOf('/'))
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                problem = tag.Length == 0
                    ? "the tag after ':' is empty"
                    : $"the tag '{tag}' must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'";
                return false;
            }
        }

        if (name.Length == 0)
        {
            problem = "the repository name is empty";
            return false;
        }
        if (IdentifierPattern().IsMatch(name))
        {
            problem = "a repository name cannot be a 64-character hex string (it would be read as an image ID)";
            return false;
        }

        // splitDockerDomain: the first component is a registry only if it looks like a host (a '.' or a ':',
        // 'localhost', or uppercase letters, which a repository never has).
        string registry, repository;
        int slash = name.IndexOf('/');
        string first = slash < 0 ? "" : name[..slash];
        if (slash < 0 || (!first.Contains('.') && !first.Contains(':') && first != "localhost"
                          && first == first.ToLowerInvariant()))
        {
            (registry, repository) = (DockerHubRegistry, name);
        }
        else
        {
            (registry, repository) = (first, name[(slash + 1)..]);
        }
        if (registry == LegacyDockerHubRegistry)
            registry = DockerHubRegistry;
        if (registry == DockerHubRegistry && !repository.Contains('/'))
            repository = OfficialRepositoryPrefix + repository;

        if (!RegistryPattern().IsMatch(registry))
        {
            problem = $"the registry '{registry}' is not a host name with an optional port";
            return false;
        }
        if (repository != repository.ToLowerInvariant())
        {
            problem = $"the repository name '{repository}' must be lowercase";
            return false;
        }
        foreach (string component in repository.Split('/'))
        {
            if (!PathComponentPattern().IsMatch(component))
            {
                problem = component.Length == 0
                    ? $"the repository name '{repository}' has an empty path component"
                    : $"the path component '{component}' must be lowercase letters and digits, separated by '.', '_', '__' or dashes";
                return false;
            }
        }
        if (registry.Length + 1 + repository.Length > NameMaxLength)
        {
            problem = $"the repository name is longer than {NameMaxLength} characters";
            return false;
        }

        if (tag is null && digest is null)
            tag = DefaultTag;
        result = new ImageReference(registry, repository, tag, digest);
        problem = null;
        return true;
    }

    // The grammar of docker/distribution's reference package (reference/regexp.go).
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"^[a-f0-9]{64}$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")]
    private static partial Regex PathComponentPattern();

    [GeneratedRegex(@"^(?:(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*|\[[A-Fa-f0-9:]+\])(?::[0-9]+)?$")]
    private static partial Regex RegistryPattern();
}
