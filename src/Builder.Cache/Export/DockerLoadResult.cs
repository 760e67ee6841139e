namespace Builder.Cache.Export;

/// <summary>What loading an image into the Docker engine did.</summary>
/// <param name="Host">The engine's address (<c>DOCKER_HOST</c>).</param>
/// <param name="LayersSent">Layers sent in the archive.</param>
/// <param name="LayersKnown">Layers left out because the engine had them.</param>
/// <param name="Reply">What the engine said (<c>Loaded image: app:1</c>).</param>
public sealed record DockerLoadResult(string Host, int LayersSent, int LayersKnown, string Reply);
