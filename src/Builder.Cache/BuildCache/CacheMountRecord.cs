using Builder.Oci;

namespace Builder.Cache.BuildCache;

/// <summary>
/// The content of one <c>RUN --mount=type=cache</c> directory in an exported cache (<c>--cache-to …,cache-mounts=true</c>):
/// a layer whose tar holds the directory's entries (not the directory itself, whose owner and mode the step that
/// first uses it sets, as for a new cache mount), as moby/buildkit#1474 asks for.
/// </summary>
/// <param name="Id">The cache mount's id (<c>id=</c>, or its target when none is given): what steps share it by.</param>
/// <param name="Layer">The compressed layer blob.</param>
/// <param name="DiffId">The sha256 of its uncompressed tar: the content digest that tells whether the mount changed.</param>
public sealed record CacheMountRecord(string Id, Descriptor Layer, Digest DiffId);
