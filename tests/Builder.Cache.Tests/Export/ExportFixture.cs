using Builder.Cache.Export;
using Builder.Oci;
using Builder.Testing.Images;

namespace Builder.Cache.Tests.Export;

/// <summary>The busybox fixture image, opened as the blob source exporters read from, and a scratch directory.</summary>
internal sealed class ExportFixture : IDisposable
{
    public ExportFixture()
    {
        Source = new OciLayoutReader(BusyboxImage.OciLayoutDirectory);
        Directory = System.IO.Directory.CreateTempSubdirectory("imgbuild-export-test-").FullName;
    }

    public OciLayoutReader Source { get; }

    public string Directory { get; }

    public Descriptor Manifest => Source.Find("latest") with { Annotations = System.Collections.Immutable.ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal) };

    public ExportedImage Image(params string[] names) => new(Manifest, [.. names.Select(ImageReference.Parse)]);

    public string PathOf(string name) => Path.Combine(Directory, name);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
