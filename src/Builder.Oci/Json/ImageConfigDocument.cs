using System.Text.Json.Serialization;

namespace Builder.Oci.Json;

// The JSON shape of an image config, kept apart from the public records so that empty values can be null (and so
// left out, as Go's omitempty does) and field names and order are pinned in one place: config.md "Properties" for
// the top level, the OCI ImageConfig struct followed by Docker's DockerOCIImageConfigExt inside "config".

internal sealed class ImageConfigDocument
{
    [JsonPropertyName("created"), JsonPropertyOrder(0)] public string? Created { get; set; }
    [JsonPropertyName("author"), JsonPropertyOrder(1)] public string? Author { get; set; }
    [JsonPropertyName("architecture"), JsonPropertyOrder(2)] public string? Architecture { get; set; }
    [JsonPropertyName("os"), JsonPropertyOrder(3)] public string? OS { get; set; }
    [JsonPropertyName("variant"), JsonPropertyOrder(4)] public string? Variant { get; set; }
    [JsonPropertyName("config"), JsonPropertyOrder(5)] public ContainerConfigDocument? Config { get; set; }
    [JsonPropertyName("rootfs"), JsonPropertyOrder(6)] public RootFsDocument? RootFs { get; set; }
    [JsonPropertyName("history"), JsonPropertyOrder(7)] public List<HistoryEntryDocument>? History { get; set; }

    // Fields outside the spec's (BuildKit's "moby.buildkit.cache.v0", imgbuild's inline cache) survive a round trip.
    [JsonExtensionData] public SortedDictionary<string, System.Text.Json.JsonElement>? Extra { get; set; }
}

internal sealed class ContainerConfigDocument
{
    [JsonPropertyName("User"), JsonPropertyOrder(0)] public string? User { get; set; }
    [JsonPropertyName("ExposedPorts"), JsonPropertyOrder(1)] public SortedDictionary<string, EmptyObject>? ExposedPorts { get; set; }
    [JsonPropertyName("Env"), JsonPropertyOrder(2)] public List<string>? Env { get; set; }
    [JsonPropertyName("Entrypoint"), JsonPropertyOrder(3)] public List<string>? Entrypoint { get; set; }
    [JsonPropertyName("Cmd"), JsonPropertyOrder(4)] public List<string>? Cmd { get; set; }
    [JsonPropertyName("Volumes"), JsonPropertyOrder(5)] public SortedDictionary<string, EmptyObject>? Volumes { get; set; }
    [JsonPropertyName("WorkingDir"), JsonPropertyOrder(6)] public string? WorkingDir { get; set; }
    [JsonPropertyName("Labels"), JsonPropertyOrder(7)] public SortedDictionary<string, string>? Labels { get; set; }
    [JsonPropertyName("StopSignal"), JsonPropertyOrder(8)] public string? StopSignal { get; set; }
    [JsonPropertyName("ArgsEscaped"), JsonPropertyOrder(9)] public bool? ArgsEscaped { get; set; }
    [JsonPropertyName("Healthcheck"), JsonPropertyOrder(10)] public HealthcheckDocument? Healthcheck { get; set; }
    [JsonPropertyName("OnBuild"), JsonPropertyOrder(11)] public List<string>? OnBuild { get; set; }
    [JsonPropertyName("Shell"), JsonPropertyOrder(12)] public List<string>? Shell { get; set; }
}

// Docker's HealthConfig: durations are Go time.Duration, integer nanoseconds.
internal sealed class HealthcheckDocument
{
    [JsonPropertyName("Test"), JsonPropertyOrder(0)] public List<string>? Test { get; set; }
    [JsonPropertyName("Interval"), JsonPropertyOrder(1)] public long? Interval { get; set; }
    [JsonPropertyName("Timeout"), JsonPropertyOrder(2)] public long? Timeout { get; set; }
    [JsonPropertyName("StartPeriod"), JsonPropertyOrder(3)] public long? StartPeriod { get; set; }
    [JsonPropertyName("StartInterval"), JsonPropertyOrder(4)] public long? StartInterval { get; set; }
    [JsonPropertyName("Retries"), JsonPropertyOrder(5)] public int? Retries { get; set; }
}

internal sealed class RootFsDocument
{
    [JsonPropertyName("type"), JsonPropertyOrder(0)] public string? Type { get; set; }
    [JsonPropertyName("diff_ids"), JsonPropertyOrder(1)] public List<string>? DiffIds { get; set; }
}

internal sealed class HistoryEntryDocument
{
    [JsonPropertyName("created"), JsonPropertyOrder(0)] public string? Created { get; set; }
    [JsonPropertyName("created_by"), JsonPropertyOrder(1)] public string? CreatedBy { get; set; }
    [JsonPropertyName("author"), JsonPropertyOrder(2)] public string? Author { get; set; }
    [JsonPropertyName("comment"), JsonPropertyOrder(3)] public string? Comment { get; set; }
    [JsonPropertyName("empty_layer"), JsonPropertyOrder(4)] public bool? EmptyLayer { get; set; }
}

// The value of each ExposedPorts and Volumes entry: Go's struct{}, written as {}.
internal sealed class EmptyObject
{
    public static readonly EmptyObject Instance = new();
}
