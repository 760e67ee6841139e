using System.Text.Json.Serialization;

namespace Builder.Oci.Json;

/// <summary>The source-generated serializer for <see cref="ImageConfigDocument"/>.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageConfigDocument))]
internal sealed partial class ImageConfigJsonContext : JsonSerializerContext;
