using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>--build-context NAME=DIR|docker-image://REF|oci-layout://DIR used by FROM and COPY --from.</summary>
public sealed class NamedContextBuildTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = System.IO.Directory.CreateTempSubdirectory("imgbuild-named-e2e-").FullName;

    private (int Status, string Out, string Err) Imgbuild(params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, "store"), .. args]);

    private string Folder(string name, params (string Path, string Content)[] files)
    {
        string directory = System.IO.Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        foreach ((string path, string content) in files)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(directory, path))!);
            File.WriteAllText(Path.Combine(directory, path), content);
        }
        return directory;
    }

    [Fact]
    public void Build_NamedDirectoryImageAndOciLayout_FromAndCopyFromUseThem()
    {
        RequiredTool.RequireRoot();
        string busybox = _registry.SeedBusybox("library/busybox");
        // An OCI layout made by an earlier build: one file on scratch.
        string vendoredContext = Folder("vendored-context", ("Dockerfile", "FROM scratch\nCOPY vendored.txt /etc/vendored.txt\n"), ("vendored.txt", "vendored\n"));
        string layout = Path.Combine(_root, "vendored-layout");
        Assert.Equal(0, Imgbuild("--output", $"type=oci-layout,dest={layout}", vendoredContext).Status);
        string docs = Folder("docs", ("guide.md", "guide\n"), ("api/index.md", "api\n"));
        string context = Folder("context", ("Dockerfile", """
            FROM docs AS files
            FROM base
            COPY --from=docs guide.md /guide.md
            COPY --from=files /api /api
            COPY --from=vendored /etc/vendored.txt /vendored.txt
            RUN cat /guide.md /api/index.md /vendored.txt > /all.txt
            """));
        string rootfs = Path.Combine(_root, "rootfs");

        var build = Imgbuild("--build-context", $"base=docker-image://{busybox}", "--build-context", $"docs={docs}",
            "--build-context", $"vendored=oci-layout://{layout}", "--output", $"type=local,dest={rootfs}", context);

        Assert.True(build.Status == 0, build.Err);
        Assert.Equal("guide\napi\nvendored\n", File.ReadAllText(Path.Combine(rootfs, "all.txt")));
        Assert.True(File.Exists(Path.Combine(rootfs, "bin", "busybox")), "FROM base must be the docker-image:// context");
    }

    [Fact]
    public void Build_NamedDirectoryMissing_SaysWhich()
    {
        var build = Imgbuild("--build-context", $"docs={_root}/no-such-dir", Folder("c", ("Dockerfile", "FROM scratch\n")));

        Assert.Equal(1, build.Status);
        Assert.Contains("--build-context docs=", build.Err, StringComparison.Ordinal);
        Assert.Contains("does not exist", build.Err, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _registry.Dispose();
        System.IO.Directory.Delete(_root, recursive: true);
    }
}
