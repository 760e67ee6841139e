using Builder.Solver.Runtime;

namespace Builder.Solver.Tests.Runtime;

/// <summary>
/// USER → uid, gid and supplementary groups, as BuildKit v0.24's executor/oci.GetUser (with moby/sys/user's
/// GetExecUser) and WithUIDGID compute them. The expected values are what BuildKit v0.24 printed with <c>id</c>
/// for these files (parity case run-user-groups and the reference runs noted in the commit).
/// </summary>
public sealed class ContainerUserResolverTests : IDisposable
{
    private const string Passwd = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
        + "app:x:1000:1000:app:/home/app:/bin/sh\nalice:x:1001:2000::/home/alice:/bin/sh\n";

    private const string Group = "root:x:0:\nnogroup:x:65534:\napp:x:1000:\ndevs:x:2000:\nops:x:2001:alice,app\n"
        + "extra:x:2002:bob,alice\nagain:x:2001:alice\n";

    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-user-").FullName;

    public ContainerUserResolverTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "etc"));
        File.WriteAllText(Path.Combine(_root, "etc", "passwd"), Passwd);
        File.WriteAllText(Path.Combine(_root, "etc", "group"), Group);
    }

    [Theory]
    [InlineData("", "0 0 [0]")]                         // the default user is uid 0 looked up in /etc/passwd
    [InlineData("root", "0 0 [0]")]
    [InlineData("alice", "1001 2000 [2000 2001 2002 2001]")]   // every group listing her, in file order, after her primary group
    [InlineData("1001", "1001 2000 [2000 2001 2002 2001]")]    // a uid found in /etc/passwd is that user
    [InlineData("app", "1000 1000 [1000 2001]")]
    [InlineData("1001:2001", "1001 2001 [2001]")]      // an explicit group: that group only
    [InlineData("alice:ops", "1001 2001 [2001]")]
    [InlineData("alice:2002", "1001 2002 [2002]")]
    [InlineData("4242", "4242 0 [0]")]                 // a uid /etc/passwd lacks: gid 0
    [InlineData("4242:ops", "4242 2001 [2001]")]
    [InlineData("4242:5678", "4242 5678 [5678]")]
    [InlineData("root:root", "0 0 [0]")]
    public void Resolve_User_AsBuildKit(string user, string expected)
    {
        Assert.Equal(expected, Describe(ContainerUserResolver.Resolve(user, _root)));
    }

    [Theory]
    [InlineData("4242", "4242 0 [0]")]
    [InlineData("1000:1000", "1000 1000 [1000]")]     // uid:gid never reads the files
    [InlineData("", "0 0 [0]")]                       // the default user falls back to root
    public void Resolve_WithoutEtcGroup_NeedsNoGroups(string user, string expected)
    {
        File.Delete(Path.Combine(_root, "etc", "group"));
        Assert.Equal(expected, Describe(ContainerUserResolver.Resolve(user, _root)));
    }

    [Theory]
    [InlineData("app")]
    [InlineData("root")]
    [InlineData("app:app")]
    [InlineData("1000")]
    public void Resolve_WithoutEtcGroup_FailsWhereGroupsAreLookedUp(string user)
    {
        // BuildKit reads the missing file as an error: "unable to find groups for spec app: invalid argument".
        File.Delete(Path.Combine(_root, "etc", "group"));
        var error = Assert.Throws<ContainerUserException>(() => ContainerUserResolver.Resolve(user, _root));
        Assert.Contains("/etc/group", error.Message);
    }

    [Theory]
    [InlineData("1000:1000", "1000 1000 [1000]")]
    [InlineData("root:root", "0 0 [0]")]
    [InlineData("", "0 0 [0]")]
    public void Resolve_WithoutEtcPasswd_OnlyUidGidAndTheDefault(string user, string expected)
    {
        File.Delete(Path.Combine(_root, "etc", "passwd"));
        Assert.Equal(expected, Describe(ContainerUserResolver.Resolve(user, _root)));
    }

    [Theory]
    [InlineData("1000")]
    [InlineData("app:1000")]
    [InlineData("root")]
    public void Resolve_WithoutEtcPasswd_FailsForAnyOtherUser(string user)
    {
        File.Delete(Path.Combine(_root, "etc", "passwd"));
        var error = Assert.Throws<ContainerUserException>(() => ContainerUserResolver.Resolve(user, _root));
        Assert.Contains("/etc/passwd", error.Message);
    }

    [Theory]
    [InlineData("nosuchuser", "unable to find user nosuchuser")]
    [InlineData("alice:nosuchgroup", "unable to find group nosuchgroup")]
    public void Resolve_UnknownName_Fails(string user, string message)
    {
        var error = Assert.Throws<ContainerUserException>(() => ContainerUserResolver.Resolve(user, _root));
        Assert.StartsWith(message, error.Message);
    }

    private static string Describe(ContainerUser user) => $"{user.Uid} {user.Gid} [{string.Join(' ', user.AdditionalGids)}]";

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
