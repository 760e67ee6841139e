using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests.Parity;

/// <summary>
/// Shared by every parity case: one registry serving the busybox base image (both builders pull it from there), one
/// imgbuild store, and a folder for contexts and archives. Built once per test class, so the corpus stays fast.
/// </summary>
public sealed class BuildKitParityFixture : IDisposable
{
    private readonly RegistryServer _registry = new();

    public BuildKitParityFixture()
    {
        BaseImage = _registry.SeedBusybox("library/busybox");
        Root = Directory.CreateTempSubdirectory("imgbuild-parity-").FullName;
    }

    /// <summary>The base image every case gets as <c>--build-arg BASE=…</c>: <c>127.0.0.1:PORT/library/busybox:latest</c>.</summary>
    public string BaseImage { get; }

    /// <summary>A temporary folder; the imgbuild store is <c>Root/store</c>.</summary>
    public string Root { get; }

    /// <summary>Runs <c>imgbuild</c> in this process against the shared store.</summary>
    public (int Status, string Out, string Err) Imgbuild(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int status = ImgbuildCommand.Run(["--root", Path.Combine(Root, "store"), .. args], stdout, stderr);
        return (status, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
