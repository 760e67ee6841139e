using System.Diagnostics;
using Builder.Cli;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// A RUN that fails while another stage is still running: the build stops the other step, reports the failed step,
/// its command and exit code, and leaves no container, mount or work file behind.
/// </summary>
public sealed class FailedBuildTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-failed-e2e-").FullName;

    [Fact]
    public void Build_RunFailsWhileAnotherStageRuns_StopsEverythingAndLeavesNothingBehind()
    {
        RequiredTool.RequireRoot();
        string context = Directory.CreateDirectory(Path.Combine(_root, "context")).FullName;
        File.WriteAllText(Path.Combine(context, "input.txt"), "input\n");
        File.WriteAllText(Path.Combine(context, "Dockerfile"), $"""
            FROM {_registry.SeedBusybox("library/busybox")} AS base
            FROM base AS slow
            RUN --mount=type=cache,target=/cache --mount=type=tmpfs,target=/scratch sleep 600
            FROM base AS failing
            COPY input.txt /input.txt
            RUN --mount=type=bind,target=/context --mount=type=secret,id=token sleep 1 && echo about-to-fail && exit 3
            FROM base
            COPY --from=slow /etc/hostname /slow
            COPY --from=failing /input.txt /input.txt
            """);
        string secret = Path.Combine(_root, "token");
        File.WriteAllText(secret, "s3cret");
        string store = Path.Combine(_root, "store");
        var clock = Stopwatch.StartNew();

        (int status, _, string error) = InProcessImgbuild.Run("--root", store, "--jobs", "4", "--secret", $"id=token,src={secret}", "-t", "failed:1", context);

        Assert.Equal(1, status);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), "the sleeping stage was not stopped when the other failed");
        Assert.Contains("about-to-fail", error, StringComparison.Ordinal);
        Assert.Contains("did not complete successfully: exit code: 3", error, StringComparison.Ordinal);
        Assert.Contains("echo about-to-fail && exit 3", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error, StringComparison.Ordinal);
        string runc = ProcessRunner.Run(RequiredTool.Find("runc", "runc"), ["--root", Path.Combine(store, "runc"), "list", "--quiet"]);
        Assert.Equal("", runc.Trim());
        Assert.DoesNotContain(File.ReadAllLines("/proc/self/mountinfo"), line => line.Contains(store, StringComparison.Ordinal));
        string work = Path.Combine(store, "work");
        Assert.Empty(Directory.Exists(work) ? Directory.GetFileSystemEntries(work) : []);
        Assert.Empty(Directory.GetFileSystemEntries(Path.GetTempPath(), "imgbuild-bundle*"));
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
