using System.Collections.Immutable;

namespace Builder.Oci;

/// <summary>
/// The OCI image config document (config.md, <c>application/vnd.oci.image.config.v1+json</c>), with Docker's
/// extensions inside <see cref="Config"/>. Serialise it with <see cref="ImageConfigSerializer"/>, which pins the
/// field names and order so the same config always gives the same bytes (and so the same config digest).
/// </summary>
public sealed record ImageConfig
{
    /// <summary>When the image was created; <see langword="null"/> leaves <c>created</c> out.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>The person or entity that created the image.</summary>
    public string? Author { get; init; }

    /// <summary>The CPU architecture the binaries run on, in Go's naming (<c>amd64</c>).</summary>
    public required string Architecture { get; init; }

    /// <summary>The operating system the image is built to run on (<c>linux</c>).</summary>
    public required string OS { get; init; }

    /// <summary>The CPU variant (<c>v7</c> for <c>arm</c>); empty when there is none.</summary>
    public string Variant { get; init; } = "";

    /// <summary>The defaults for a container run from the image.</summary>
    public ContainerConfig Config { get; init; } = new();

    /// <summary>The layer content addresses (DiffIDs) of the root filesystem.</summary>
    public RootFs RootFs { get; init; } = new();

    /// <summary>The history of each layer, oldest first.</summary>
    public ImmutableArray<HistoryEntry> History { get; init; } = [];

    /// <summary>
    /// Top-level fields outside the OCI spec, as raw JSON by name (BuildKit's <c>moby.buildkit.cache.v0</c>, the inline
    /// build cache of imgbuild (<c>--cache-to type=inline</c>)): kept through a round trip, written after the spec's fields.
    /// </summary>
    public ImmutableSortedDictionary<string, string> ExtraFields { get; init; } = ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);

    /// <summary>The platform given by <see cref="OS"/>, <see cref="Architecture"/> and <see cref="Variant"/>.</summary>
    public Platform Platform => new(OS, Architecture, Variant);

    /// <summary>An empty config for <paramref name="platform"/>, as a <c>FROM scratch</c> stage starts.</summary>
    public static ImageConfig Empty(Platform platform) => new()
    {
        OS = platform.OS,
        Architecture = platform.Architecture,
        Variant = platform.Variant,
    };

    /// <summary>A mutable copy, for a frontend to apply instructions to.</summary>
    public ImageConfigBuilder ToBuilder() => new(this);
}
