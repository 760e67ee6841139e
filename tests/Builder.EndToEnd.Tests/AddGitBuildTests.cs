using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>ADD of a git repository, served by a real <c>git daemon</c> on loopback: refs, subdirectories, --keep-git-dir.</summary>
public sealed class AddGitBuildTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-git-e2e-").FullName;
    private readonly Process _daemon;
    private readonly string _repository;

    public AddGitBuildTests()
    {
        string git = RequiredTool.Find("git", "git");
        string work = Directory.CreateDirectory(Path.Combine(_root, "work")).FullName;
        void Git(params string[] args) => ProcessRunner.Run(git, ["-C", work, "-c", "user.name=t", "-c", "user.email=t@localhost", .. args]);
        Git("init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(work, "README.md"), "version one\n");
        Directory.CreateDirectory(Path.Combine(work, "docs"));
        File.WriteAllText(Path.Combine(work, "docs", "guide.md"), "guide\n");
        Git("add", ".");
        Git("commit", "-q", "-m", "one");
        Git("tag", "v1");
        File.WriteAllText(Path.Combine(work, "README.md"), "version two\n");
        Git("commit", "-q", "-am", "two");
        string served = Directory.CreateDirectory(Path.Combine(_root, "served")).FullName;
        ProcessRunner.Run(git, ["clone", "-q", "--bare", work, Path.Combine(served, "repo.git")]);

        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var start = new ProcessStartInfo(git) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in new[] { "daemon", "--reuseaddr", "--export-all", $"--base-path={served}", "--listen=127.0.0.1", $"--port={port}", served })
            start.ArgumentList.Add(argument);
        _daemon = Process.Start(start)!;
        DateTime giveUp = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < giveUp)
            {
                Thread.Sleep(100);
            }
        }
        _repository = $"git://127.0.0.1:{port}/repo.git";
    }

    private (int Status, string Out, string Err) Imgbuild(string dockerfile, params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, "store"), .. args, TestContext.WithDockerfile(_root, dockerfile)]);

    [Fact]
    public void Build_AddGit_RefSubdirectoryAndKeepGitDir()
    {
        RequiredTool.RequireRoot();
        string rootfs = Path.Combine(_root, "rootfs");

        var build = Imgbuild($"""
            FROM {_registry.SeedBusybox("library/busybox")}
            ADD {_repository}#v1 /tagged
            ADD {_repository}#main:docs /docs
            ADD --keep-git-dir=true {_repository} /head
            """, "--output", $"type=local,dest={rootfs}");

        Assert.True(build.Status == 0, build.Err);
        Assert.Equal("version one\n", File.ReadAllText(Path.Combine(rootfs, "tagged", "README.md")));
        Assert.False(Directory.Exists(Path.Combine(rootfs, "tagged", ".git")));
        Assert.Equal(["guide.md"], Directory.GetFileSystemEntries(Path.Combine(rootfs, "docs")).Select(Path.GetFileName));
        Assert.Equal("version two\n", File.ReadAllText(Path.Combine(rootfs, "head", "README.md")));
        Assert.True(Directory.Exists(Path.Combine(rootfs, "head", ".git")));
    }

    [Fact]
    public void Build_AddGitUnknownRef_FailsNamingGitsError()
    {
        RequiredTool.RequireRoot();

        var build = Imgbuild($"FROM {_registry.SeedBusybox("library/busybox")}\nADD {_repository}#no-such-branch /src\n", "--output", $"type=local,dest={_root}/out");

        Assert.Equal(1, build.Status);
        Assert.Contains("git fetch failed", build.Err, StringComparison.Ordinal);
        Assert.Contains("no-such-branch", build.Err, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _daemon.Kill(entireProcessTree: true);
        _daemon.Dispose();
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
