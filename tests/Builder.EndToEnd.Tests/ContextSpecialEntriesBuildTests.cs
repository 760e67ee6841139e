using System.Formats.Tar;
using Builder.Testing;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// A build context holding links out of it (to <c>/</c>, <c>/etc</c> and a directory holding a device) and special
/// files (a fifo, a device, a socket): every link is copied as a link and never followed, and nothing but regular files
/// and directories is ever opened, as BuildKit's context transfer (fsutil) does.
/// </summary>
public sealed class ContextSpecialEntriesBuildTests : IDisposable
{
    private static readonly DateTime LongAgo = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-context-special-").FullName;
    private readonly string _outside;

    public ContextSpecialEntriesBuildTests()
    {
        // A directory outside the context: a file, a folder and a character device that fails when opened (0/7 has no
        // driver: ENXIO), each last read "long ago", so any listing or read of it during the build shows in its atime
        // (the file system is mounted relatime: a read updates an atime older than the modification).
        _outside = Directory.CreateDirectory(Path.Combine(_root, "outside")).FullName;
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "outside v1\n");
        Directory.CreateDirectory(Path.Combine(_outside, "folder"));
        ProcessRunner.Run("mknod", [Path.Combine(_outside, "device"), "c", "0", "7"]);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (int Status, string Out, string Err) Imgbuild(params string[] args) =>
        InProcessImgbuild.Run(["--root", Path.Combine(_root, "store"), "--progress", "plain", .. args]);

    private string ContextWithLinksOut()
    {
        string context = TestContext.WithDockerfile(_root, "FROM scratch\nCOPY . /ctx/\n");
        File.CreateSymbolicLink(Path.Combine(context, "root"), "/");
        File.CreateSymbolicLink(Path.Combine(context, "etc"), "/etc");
        File.CreateSymbolicLink(Path.Combine(context, "outside"), _outside);
        File.WriteAllText(Path.Combine(context, "app.txt"), "app\n");
        return context;
    }

    private void MarkOutsideUnread()
    {
        foreach (string path in new[] { _outside, Path.Combine(_outside, "secret.txt"), Path.Combine(_outside, "folder") })
            File.SetLastAccessTimeUtc(path, LongAgo);
    }

    private static List<TarEntry> Entries(string tar)
    {
        using var reader = new TarReader(File.OpenRead(tar));
        var entries = new List<TarEntry>();
        while (reader.GetNextEntry() is { } entry) entries.Add(entry);
        return entries;
    }

    [Fact]
    public void Build_ContextLinksToRootEtcAndADeviceFolder_CopiesTheLinksAsLinks()
    {
        RequiredTool.RequireRoot();
        string context = ContextWithLinksOut();
        var build = Imgbuild("--output", $"type=tar,dest={_root}/fs.tar", context);
        Assert.True(build.Status == 0, build.Err);

        List<TarEntry> entries = Entries(Path.Combine(_root, "fs.tar"));
        Assert.Equal(
            ["ctx/ -> ", "ctx/Dockerfile -> ", "ctx/app.txt -> ", "ctx/etc -> /etc", "ctx/outside -> " + _outside, "ctx/root -> /"],
            entries.Select(e => $"{e.Name} -> {e.LinkName}").Order(StringComparer.Ordinal));
        Assert.All(entries.Where(e => e.LinkName.Length > 0), e => Assert.Equal(TarEntryType.SymbolicLink, e.EntryType));
    }

    [Fact]
    public void Build_ContextLinksOut_NeverListsNorReadsWhatTheyPointAt()
    {
        RequiredTool.RequireRoot();
        string context = ContextWithLinksOut();
        MarkOutsideUnread();
        var build = Imgbuild("--output", $"type=local,dest={_root}/out", context);
        Assert.True(build.Status == 0, build.Err);

        Assert.All(new[] { _outside, Path.Combine(_outside, "secret.txt"), Path.Combine(_outside, "folder") },
            path => Assert.Equal(LongAgo, File.GetLastAccessTimeUtc(path)));
    }

    [Fact]
    public void Build_FileBehindAContextLinkChanges_CopyStaysCached()
    {
        RequiredTool.RequireRoot();
        string context = ContextWithLinksOut();
        var first = Imgbuild("--output", $"type=local,dest={_root}/first", context);
        Assert.True(first.Status == 0, first.Err);
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "outside v2, a new cache key if it were hashed\n");

        var second = Imgbuild("--output", $"type=local,dest={_root}/second", context);
        Assert.True(second.Status == 0, second.Err);
        Assert.Contains(("COPY . /ctx/", true), ProgressSteps.Parse(second.Err));
    }

    [Fact]
    public void Build_CopySourceIsALinkToRoot_CopiesTheContextNeverTheHost()
    {
        RequiredTool.RequireRoot();
        string context = ContextWithLinksOut();
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM scratch\nCOPY root /copied/\n");
        MarkOutsideUnread();
        var build = Imgbuild("--output", $"type=tar,dest={_root}/fs.tar", context);
        Assert.True(build.Status == 0, build.Err);

        // BuildKit follows a link named as a COPY source inside the context only: "/" is the context's root.
        Assert.Equal(
            ["copied/ -> ", "copied/Dockerfile -> ", "copied/app.txt -> ", "copied/etc -> /etc", "copied/outside -> " + _outside, "copied/root -> /"],
            Entries(Path.Combine(_root, "fs.tar")).Select(e => $"{e.Name} -> {e.LinkName}").Order(StringComparer.Ordinal));
        Assert.Equal(LongAgo, File.GetLastAccessTimeUtc(_outside));
    }

    [Fact]
    public async Task Build_ContextHoldsAFifoADeviceAndASocket_FinishesAndMakesThemAsBuildKitDoes()
    {
        RequiredTool.RequireRoot();
        string context = TestContext.WithDockerfile(_root, "FROM scratch\nCOPY . /ctx/\n");
        ProcessRunner.Run("mkfifo", [Path.Combine(context, "pipe")]);
        ProcessRunner.Run("mknod", [Path.Combine(context, "zero"), "c", "1", "5"]); // reads zeros forever if opened
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(context, "socket")));

        // Opening the fifo waits for a writer and reading the device never ends: the build is given a minute to finish.
        Task<(int Status, string Out, string Err)> running = Task.Run(() => Imgbuild("--output", $"type=tar,dest={_root}/fs.tar", context));
        Assert.True(await Task.WhenAny(running, Task.Delay(TimeSpan.FromMinutes(1))) == running,
            "the build opened a fifo or a device of the context and never finished");
        (int status, _, string err) = await running;
        Assert.True(status == 0, err);

        // fsutil's receiver mknods a fifo or device; its sender sends a socket as an empty regular file.
        Dictionary<string, TarEntry> entries = Entries(Path.Combine(_root, "fs.tar")).ToDictionary(e => e.Name);
        Assert.Equal(TarEntryType.Fifo, entries["ctx/pipe"].EntryType);
        Assert.Equal((TarEntryType.CharacterDevice, 1, 5), (entries["ctx/zero"].EntryType, ((PosixTarEntry)entries["ctx/zero"]).DeviceMajor, ((PosixTarEntry)entries["ctx/zero"]).DeviceMinor));
        Assert.Equal((TarEntryType.RegularFile, 0L), (entries["ctx/socket"].EntryType, entries["ctx/socket"].Length));
    }
}
