using Builder.Graph;
using Builder.Solver.Runtime;

namespace Builder.Solver.Ops;

/// <summary>
/// Resolves the owner of files a step writes (<c>COPY --chown</c>, ADD, WORKDIR's directory) as BuildKit's file
/// operations do, which differs from USER: a numeric user, or <c>root</c>, is used as both uid and gid
/// (<c>--chown=1000</c> is 1000:1000) without reading /etc/passwd (client/llb's parseUID); a user name takes its uid
/// and primary gid from the image's /etc/passwd; a group, when given, replaces the gid (a number, <c>root</c>, or a
/// name from /etc/group). A name that is not there, or a file that is missing, is root, as in BuildKit's readUser
/// (solver/llbsolver/ops/user_linux.go). The Dockerfile reference says a missing /etc/passwd fails the build, and
/// processOwner (solver/llbsolver/ops/file.go) does select /etc/passwd for the cache key, but of the input the
/// action changes, whose selectors BuildKit v0.24 drops: its build succeeds with root (parity case
/// copy-chown-name-no-passwd, checked against the v0.24.0 reference).
/// </summary>
public static class FileOwnerResolver
{
    /// <summary>The uid and gid <paramref name="owner"/> names in <paramref name="rootFilesystem"/>.</summary>
    public static (uint Uid, uint Gid) Resolve(FileOwner owner, string rootFilesystem)
    {
        ArgumentNullException.ThrowIfNull(owner);
        uint uid = 0, gid = 0;
        if (TryId(owner.User, out uint numericUser))
        {
            uid = gid = numericUser;
        }
        else if (Lookup(rootFilesystem, "/etc/passwd", 7, owner.User) is { } entry)
        {
            TryNumber(entry[2], out uid);
            TryNumber(entry[3], out gid);
        }
        if (owner.Group is { } group)
        {
            if (TryId(group, out uint numericGroup)) gid = numericGroup;
            else if (Lookup(rootFilesystem, "/etc/group", 4, group) is { } groupEntry) TryNumber(groupEntry[2], out gid);
        }
        return (uid, gid);
    }

    private static string[]? Lookup(string root, string file, int fields, string name) =>
        ContainerUserResolver.ReadEntries(root, file, fields).FirstOrDefault(parts => parts[0] == name);

    // client/llb's parseUID: "root" is 0 and a decimal number is itself; anything else is a name, except an empty
    // one, which UserOpt.marshal sends as id 0 ("--chown=app:" is app's uid and gid 0).
    private static bool TryId(string text, out uint value)
    {
        if (text is "root" or "")
        {
            value = 0;
            return true;
        }
        return TryNumber(text, out value);
    }

    private static bool TryNumber(string text, out uint value) => ContainerUserResolver.TryNumber(text, out value);
}
