namespace Builder.Filesystem.Tests;

/// <summary>A regular file copied through raw system calls: content, owner, mode and the exact modification time.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RegularFileCopyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-filecopy-").FullName;
    private readonly string _source, _target;

    public RegularFileCopyTests()
    {
        _source = Path.Join(_root, "source");
        _target = Path.Join(_root, "target");
        File.WriteAllText(_source, "0123456789");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // struct statx (include/uapi/linux/stat.h): uid, gid, mode, mtime seconds and nanoseconds.
    private static (uint Uid, uint Gid, int Mode, long Seconds, long Nanoseconds) Status(string path)
    {
        byte[] buffer = new byte[256];
        Assert.Equal(0, Native.LibC.Statx(Native.LibC.AT_FDCWD, path, Native.LibC.AT_SYMLINK_NOFOLLOW, Native.LibC.STATX_BASIC_STATS, buffer));
        return (BitConverter.ToUInt32(buffer, 20), BitConverter.ToUInt32(buffer, 24), BitConverter.ToUInt16(buffer, 28) & 0xFFF,
            BitConverter.ToInt64(buffer, 112), BitConverter.ToUInt32(buffer, 120));
    }

    private const long Modified = 1_767_225_600_123_456_789; // 2026-01-01, with nanoseconds .NET's DateTime cannot hold

    [Fact]
    public void Copy_FileSmallerThanTheBuffer_LeavesItInTheBufferAndSetsOwnerModeAndTime()
    {
        byte[] buffer = new byte[64];

        long length = RegularFileCopy.Copy(_source, _target, buffer, null, (1234, 5678), Convert.ToInt32("4750", 8), Modified);

        Assert.Equal(10, length);
        Assert.Equal("0123456789", System.Text.Encoding.ASCII.GetString(buffer, 0, 10));
        Assert.Equal("0123456789", File.ReadAllText(_target));
        (uint uid, uint gid, int mode, long seconds, long nanoseconds) = Status(_target);
        Assert.Equal((1234u, 5678u), (uid, gid));
        Assert.Equal(Convert.ToInt32("4750", 8), mode); // setuid kept: chown came first
        Assert.Equal((Modified / 1_000_000_000, Modified % 1_000_000_000), (seconds, nanoseconds));
    }

    [Fact]
    public void Copy_FileLargerThanTheBuffer_StreamsItAndReportsEveryPiece()
    {
        var pieces = new List<string>();

        long length = RegularFileCopy.Copy(_source, _target, new byte[4], piece => pieces.Add(System.Text.Encoding.ASCII.GetString(piece)),
            (0, 0), Convert.ToInt32("644", 8), Modified);

        Assert.Equal(10, length);
        Assert.Equal("0123456789", File.ReadAllText(_target));
        Assert.Equal("0123456789", string.Concat(pieces));
    }

    [Fact]
    public void Copy_TargetExists_FailsWithoutTouchingIt()
    {
        File.WriteAllText(_target, "kept");

        IOException e = Assert.Throws<IOException>(() =>
            RegularFileCopy.Copy(_source, _target, new byte[64], null, (0, 0), Convert.ToInt32("644", 8), Modified));

        Assert.Contains("already exists", e.Message, StringComparison.Ordinal);
        Assert.Equal("kept", File.ReadAllText(_target));
    }
}
