using Builder.Oci;

namespace Builder.Solver.Sources;

/// <summary>A base image ready to build on: its manifest and config from the store, and its files unpacked once.</summary>
/// <param name="Reference">The name it was asked for.</param>
/// <param name="ManifestDescriptor">Its manifest (for linux/amd64 or the asked platform), the key of its cache entries.</param>
/// <param name="Manifest">The manifest: its layers are the bottom layers of every image built on it.</param>
/// <param name="Config">Its config: Env, Cmd, WorkingDir and the rest a Dockerfile inherits.</param>
/// <param name="RootFilesystem">The unpacked, read-only tree of all its layers, shared by every build.</param>
public sealed record BaseImage(ImageReference Reference, Descriptor ManifestDescriptor, ImageManifest Manifest, ImageConfig Config, string RootFilesystem);
