using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>RUN --mount of type cache, bind (context and stage), tmpfs and secret, built with runc and read back from the image.</summary>
public sealed class RunMountBuildTests : IDisposable
{
    private const string SecretValue = "s3cr3t-v4lue-never-in-image";
    // The Dockerfile checks the secret by its checksum: the value itself must appear nowhere, not even in history.
    private static readonly string SecretMd5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(SecretValue)));
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-mount-e2e-").FullName;
    private readonly string _context;

    public RunMountBuildTests()
    {
        string baseImage = _registry.SeedBusybox("library/busybox");
        _context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;
        File.WriteAllText(Path.Combine(_context, "input.txt"), "from the context\n");
        File.WriteAllText(Path.Combine(_root, "token"), SecretValue);
        File.WriteAllText(Path.Combine(_context, "Dockerfile"), $"""
            FROM {baseImage} AS tools
            RUN echo tool > /tool

            FROM {baseImage}
            RUN --mount=type=cache,target=/cache echo run >> /cache/log && wc -l < /cache/log | tr -d ' ' > /count
            RUN --mount=type=bind,from=tools,source=/tool,target=/mnt/tool cat /mnt/tool > /copied
            RUN --mount=type=bind,target=/ctx cat /ctx/input.txt > /from-context && echo changed > /ctx/input.txt 2>/dev/null; true
            RUN --mount=type=tmpfs,target=/scratch touch /scratch/x && ls /scratch > /tmpfs-listing
            RUN --mount=type=secret,id=token test "$(md5sum < /run/secrets/token | cut -c1-32)" = "{SecretMd5}" && echo secret-ok > /secret-check
            """);
    }

    private (int Status, string Out, string Err) Imgbuild(params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, "store"), .. args]);

    [Fact]
    public void Build_RunMounts_WorkAndLeaveNothingInTheImage()
    {
        RequiredTool.RequireRoot();
        string rootfs = Path.Combine(_root, "rootfs"), second = Path.Combine(_root, "rootfs2");
        string secret = $"id=token,src={Path.Combine(_root, "token")}";

        var first = Imgbuild("--secret", secret, "--output", $"type=local,dest={rootfs}", _context);
        var again = Imgbuild("--secret", secret, "--no-cache", "--output", $"type=local,dest={second}", _context);

        Assert.True(first.Status == 0, first.Err);
        Assert.True(again.Status == 0, again.Err);
        string Read(string root, string path) => File.ReadAllText(Path.Combine(root, path));
        Assert.Equal(("1\n", "2\n"), (Read(rootfs, "count"), Read(second, "count")));
        Assert.Equal("tool\n", Read(rootfs, "copied"));
        Assert.Equal("from the context\n", Read(rootfs, "from-context"));
        Assert.Equal("from the context\n", File.ReadAllText(Path.Combine(_context, "input.txt")));
        Assert.Equal("x\n", Read(rootfs, "tmpfs-listing"));
        Assert.Equal("secret-ok\n", Read(rootfs, "secret-check"));
        foreach (string mountPoint in new[] { "cache", "mnt", "ctx", "scratch", "run/secrets" })
            Assert.False(Directory.Exists(Path.Combine(rootfs, mountPoint)) && Directory.EnumerateFileSystemEntries(Path.Combine(rootfs, mountPoint)).Any(), mountPoint);
        string everything = ProcessRunner.Shell($"grep -r -l '{SecretValue}' {rootfs} {Path.Combine(_root, "store")} || true");
        Assert.Equal("", everything.Trim());
        Assert.DoesNotContain(SecretValue, first.Err + first.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RequiredSecretMissing_FailsSayingHowToPassIt()
    {
        RequiredTool.RequireRoot();
        File.WriteAllText(Path.Combine(_context, "Dockerfile"),
            $"FROM {_registry.SeedBusybox("library/busybox")}\nRUN --mount=type=secret,id=npmrc,required=true cat /run/secrets/npmrc\n");

        var (status, _, error) = Imgbuild("-t", "needs-secret:1", _context);

        Assert.Equal(1, status);
        Assert.Contains("--secret id=npmrc", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
