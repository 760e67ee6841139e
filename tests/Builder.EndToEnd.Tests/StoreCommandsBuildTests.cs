using System.Text.Json;
using Builder.Testing;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// The companion commands of issue 15 on a store a real build filled: <c>history</c> in docker history's columns,
/// <c>images</c>' CREATED, and <c>du</c> against <c>du -sb</c> of the store (blobs, layers, base trees, cache mounts).
/// </summary>
public sealed class StoreCommandsBuildTests : IDisposable
{
    private readonly RegistryServer _registry = new();
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-store-commands-").FullName;
    private readonly string _base;

    public StoreCommandsBuildTests()
    {
        _base = _registry.SeedBusybox("library/busybox");
    }

    public void Dispose()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private string Store => Path.Combine(_root, "store");

    private (int Status, string Out, string Err) Imgbuild(params string[] args) => InProcessImgbuild.Run(["--root", Store, .. args]);

    private string BuildImage(string name)
    {
        string context = TestContext.WithDockerfile(_root, $"""
            FROM {_base}
            RUN --mount=type=cache,target=/cache echo cached > /cache/file && echo hello from a run step that is long > /hello
            ENV GREETING=hi
            """);
        string iid = Path.Combine(_root, "iid");
        var build = Imgbuild("-t", name, "--iidfile", iid, context);
        Assert.True(build.Status == 0, build.Err);
        return File.ReadAllText(iid);
    }

    // docker pull NAME@DIGEST keeps no tag; imgbuild's store names images by tag, so the image stays unnamed in the
    // content store, where inspect NAME@DIGEST (and a build's FROM NAME@DIGEST) finds it.
    [Fact]
    public void PullByDigest_KeepsNoNameAndInspectByDigestFindsIt()
    {
        string digest = Builder.Testing.Images.BusyboxImage.ManifestDigest;
        string reference = $"{_registry.Host}/library/busybox@{digest}";

        var pull = Imgbuild("pull", reference);
        var inspect = Imgbuild("inspect", reference);
        var images = Imgbuild("images", "--format", "json");

        Assert.True(pull.Status == 0, pull.Err);
        Assert.True(inspect.Status == 0, inspect.Err);
        using JsonDocument document = JsonDocument.Parse(inspect.Out);
        Assert.Equal(digest, document.RootElement.GetProperty("digest").GetString());
        Assert.Equal("sh", document.RootElement.GetProperty("config").GetProperty("config").GetProperty("Cmd")[0].GetString());
        Assert.DoesNotContain("busybox", images.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void History_ShowsDockerHistoryColumns_NewestFirst_ImageIdOnTheTopRow()
    {
        RequiredTool.RequireRoot();
        string imageId = BuildImage("hist:1");

        var history = Imgbuild("history", "hist:1");
        var full = Imgbuild("history", "--no-trunc", "hist:1");

        Assert.True(history.Status == 0, history.Err);
        string[] lines = history.Out.TrimEnd('\n').Split('\n');
        Assert.Matches(@"^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$", lines[0]);
        // ENV (newest, no layer), then the RUN (a layer), then the base image's entries.
        Assert.Matches($@"^{imageId["sha256:".Length..][..12]}\s+(Less than a second|\d+ seconds?) ago\s+ENV GREETING=hi\s+0B\s+buildkit.dockerfile.v0$", lines[1]);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(lines[2],
            @"^<missing>\s+.* ago\s+RUN /bin/sh -c echo cached > /cache/file && …\s+\d+(\.\d+)?[kM]?B\s+buildkit.dockerfile.v0$"), lines[2]);
        Assert.True(lines.Length > 3);
        Assert.All(lines.Skip(2), line => Assert.StartsWith("<missing>", line, StringComparison.Ordinal));
        Assert.True(full.Status == 0, full.Err);
        Assert.StartsWith(imageId + " ", full.Out.Split('\n')[1], StringComparison.Ordinal);
        Assert.Contains("echo hello from a run step that is long > /hello", full.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_HasCreatedColumn_AsDockerPrintsIt()
    {
        RequiredTool.RequireRoot();
        BuildImage("created:1");

        var images = Imgbuild("images");

        Assert.True(images.Status == 0, images.Err);
        Assert.Matches(@"(?m)^created\s+1\s+[0-9a-f]{12}\s+(Less than a second|\d+ seconds?|About a minute) ago\s+\S+B$", images.Out);
    }

    [Fact]
    public void Du_AfterABuild_CountsEveryByteOfTheStore_WithinOnePercentOfDuSb()
    {
        RequiredTool.RequireRoot();
        BuildImage("du:1");

        var du = Imgbuild("du", "--format", "json");

        Assert.True(du.Status == 0, du.Err);
        JsonElement store = JsonDocument.Parse(du.Out).RootElement.GetProperty("store");
        long total = store.GetProperty("total").GetInt64();
        long onDisk = long.Parse(ProcessRunner.Run("du", ["-sb", Store]).Split('\t')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(total - onDisk) <= onDisk / 100, $"imgbuild du {total} bytes, du -sb {onDisk}");
        foreach (string kind in new[] { "blobs", "layers", "rootfs", "cache-mounts", "cache" })
            Assert.True(store.GetProperty(kind).GetInt64() > 0, $"no bytes counted under {kind}");
    }
}
