using System.Text;
using Builder.Cache.Layers;

namespace Builder.Cache.Tests.Layers;

/// <summary>Builds trees holding every kind of entry a layer carries, with fixed owners, modes and mtimes.</summary>
internal static class SampleTree
{
    public const long OldTime = 946_684_800; // 2000-01-01

    public static void CreateEveryEntryType(string root)
    {
        File(root, "etc/hostname", "builder\n", mode: 0x1A4 /* 0644 */);
        File(root, "empty", "", mode: 0x180 /* 0600 */);
        File(root, "usr/bin/setuid-tool", "#!/bin/sh\n", mode: 0x9ED /* 04755 */);
        Directory.CreateDirectory(Path.Join(root, "srv/shared"));
        LinuxFileSystem.Chmod(Path.Join(root, "srv/shared"), 0x5FD); // 02775
        Directory.CreateDirectory(Path.Join(root, "tmp"));
        LinuxFileSystem.Chmod(Path.Join(root, "tmp"), 0x3FF); // 01777
        File(root, "home/app/data.bin", new string('z', 70_000), mode: 0x1A4);
        LinuxFileSystem.LChown(Path.Join(root, "home/app/data.bin"), 1234, 5678);
        LinuxFileSystem.LChown(Path.Join(root, "home/app"), 1234, 5678);
        System.IO.File.CreateSymbolicLink(Path.Join(root, "etc/localtime"), "../usr/share/zoneinfo/UTC");
        System.IO.File.CreateSymbolicLink(Path.Join(root, "usr/bin/sh-abs"), "/bin/busybox");
        LinuxFileSystem.Link(Path.Join(root, "usr/bin/setuid-tool"), Path.Join(root, "usr/bin/setuid-alias"));
        Directory.CreateDirectory(Path.Join(root, "dev"));
        LinuxFileSystem.MkNod(Path.Join(root, "dev/null"), FileStatus.TypeCharacter | 0x1B6, 1, 3);
        LinuxFileSystem.MkNod(Path.Join(root, "dev/loop9"), FileStatus.TypeBlock | 0x1B0, 7, 9);
        LinuxFileSystem.MkNod(Path.Join(root, "dev/initctl"), FileStatus.TypeFifo | 0x180, 0, 0);
        LinuxFileSystem.Chmod(Path.Join(root, "dev/null"), 0x1B6); // mknod applies the umask
        LinuxFileSystem.Chmod(Path.Join(root, "dev/loop9"), 0x1B0);
        LinuxFileSystem.SetXattr(Path.Join(root, "etc/hostname"), "user.comment", Encoding.UTF8.GetBytes("hello"));
        LinuxFileSystem.SetXattr(Path.Join(root, "usr/bin/setuid-tool"), "trusted.binary", [0, 1, 2, 255]);
        SetTimes(root, OldTime);
    }

    public static void File(string root, string path, string content, uint mode = 0x1A4)
    {
        string full = Path.Join(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, content);
        LinuxFileSystem.Chmod(full, mode);
    }

    /// <summary>Sets every mtime (deepest first, so directories keep theirs) to <paramref name="seconds"/>.</summary>
    public static void SetTimes(string root, long seconds)
    {
        var options = new EnumerationOptions { AttributesToSkip = 0, RecurseSubdirectories = true };
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", options).OrderByDescending(p => p.Length))
            LinuxFileSystem.SetTimes(path, seconds, 0);
    }
}
