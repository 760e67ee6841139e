using Builder.Testing.Parity;

namespace Builder.EndToEnd.Tests.Parity;

/// <summary>How a golden is written next to the base image, so that the base's own bytes stay out of it.</summary>
public sealed class GoldenFileTests
{
    private const string BusyboxHash = "1111111111111111111111111111111111111111111111111111111111111111";

    private static readonly ImageDescription Base = new(
        ["\"/bin\" dir 0755 0:0", $"\"/bin/busybox\" file 0755 0:0 100 {BusyboxHash}", "\"/bin/ls\" symlink 0777 0:0 -> \"busybox\"", "\"/tmp\" dir 1777 0:0"],
        ["Config.Cmd: [\"sh\"]"], ["sha256:base"]);

    [Fact]
    public void Lines_ImageFromBase_ListsOnlyRemovedChangedAndAdded()
    {
        var image = new ImageDescription(
            ["\"/bin\" dir 0755 0:0", $"\"/bin/busybox\" file 0755 0:0 100 {BusyboxHash}", "\"/new\" file 0644 0:0 2 ab", "\"/tmp\" dir 0755 0:0"],
            ["Config.Cmd: [\"sh\"]"], ["sha256:base", "sha256:top"]);

        Assert.Equal(["- \"/bin/ls\"", "- \"/tmp\"", "+ \"/new\" file 0644 0:0 2 ab", "+ \"/tmp\" dir 0755 0:0", "Config.Cmd: [\"sh\"]"],
            GoldenFile.Lines(image, Base));
    }

    [Fact]
    public void Lines_ImageNotFromBase_ListsEveryEntryAndNamesBaseContent()
    {
        var image = new ImageDescription(
            ["\"/bin\" dir 0755 0:0", $"\"/bin/busybox\" file 0755 0:0 100 {BusyboxHash}"], [], ["sha256:scratch-layer"]);

        Assert.Equal(["+ \"/bin\" dir 0755 0:0", "+ \"/bin/busybox\" file 0755 0:0 content-of-base \"/bin/busybox\""], GoldenFile.Lines(image, Base));
    }
}
