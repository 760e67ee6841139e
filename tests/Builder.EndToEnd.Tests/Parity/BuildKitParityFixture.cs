using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Images;
using Builder.Testing.Parity;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests.Parity;

/// <summary>
/// Shared by every parity case: one registry serving the base images (both builders pull them from there), one
/// imgbuild store, and a folder for contexts and archives. Built once per test class, so the corpus stays fast.
/// </summary>
public sealed class BuildKitParityFixture : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly Lazy<string> _debianImage;
    private readonly Lazy<ImageDescription> _baseDescription;
    private readonly Lazy<SshAgent> _sshAgent = new(() => new SshAgent());

    public BuildKitParityFixture()
    {
        BaseImage = _registry.SeedBusybox("library/busybox");
        Root = Directory.CreateTempSubdirectory("imgbuild-parity-").FullName;
        _debianImage = new(() => _registry.Seed(DebianImage.OciLayoutDirectory, "library/debian"));
        _baseDescription = new(() => ImageDescription.Read(BusyboxImage.OciLayoutDirectory, Path.Combine(Root, "base-description")));
    }

    /// <summary>The busybox base image: <c>127.0.0.1:PORT/library/busybox:latest</c>.</summary>
    public string BaseImage { get; }

    /// <summary>A temporary folder; the imgbuild store is <c>Root/store</c>.</summary>
    public string Root { get; }

    /// <summary>The image a case's <c>base</c> file names, pushed to the registry when first asked for.</summary>
    public string BaseImageOf(ParityCase parity) => parity.Base switch
    {
        "busybox" => BaseImage,
        "debian" => _debianImage.Value,
        string other => throw new InvalidOperationException($"parity case '{parity.Name}': unknown base '{other}' (busybox or debian)"),
    };

    /// <summary>The busybox base image described, what goldens are relative to.</summary>
    public ImageDescription BaseDescription => _baseDescription.Value;

    /// <summary>The socket of an ssh agent started for the cases that forward one.</summary>
    public string SshAgentSocket => _sshAgent.Value.Socket;

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
        if (_sshAgent.IsValueCreated) _sshAgent.Value.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
