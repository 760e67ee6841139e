using System.Text.Json.Serialization;

namespace Builder.Cache.Oci.Json;

/// <summary>The source-generated serializer for <see cref="ImageConfigDocument"/>.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageConfigDocument))]
internal sealed partial class ImageConfigJsonContext : JsonSerializerContext;
