namespace Builder.Cache.Layers;

/// <summary>The whiteout names of the OCI image spec, layer.md "Whiteouts".</summary>
internal static class Whiteout
{
    /// <summary>Prefix of a file that deletes its namesake from the lower layers.</summary>
    public const string Prefix = ".wh.";

    /// <summary>The file that hides every lower entry of its directory.</summary>
    public const string OpaqueMarker = ".wh..wh..opq";
}
