using Builder.Graph;
using Builder.Solver.Runtime;

namespace Builder.Solver.Ops;

/// <summary>
/// Resolves the owner of files a step writes (<c>COPY --chown</c>, ADD, WORKDIR's directory) as BuildKit's file
/// operations do, which differs from USER: a numeric user is used as both uid and gid (<c>--chown=1000</c> is
/// 1000:1000) without reading /etc/passwd; a user name takes its uid and primary gid from the image's /etc/passwd; a
/// group, when given, replaces the gid (a number, or a name from /etc/group). A name found in neither file is
/// root, as in BuildKit.
/// </summary>
public static class FileOwnerResolver
{
    public static (uint Uid, uint Gid) Resolve(FileOwner owner, string rootFilesystem)
    {
        ArgumentNullException.ThrowIfNull(owner);
        uint uid = 0, gid = 0;
        if (TryNumber(owner.User, out uint numericUser))
        {
            uid = gid = numericUser;
        }
        else if (Lookup(rootFilesystem, "/etc/passwd", 7, owner.User) is { } entry)
        {
            TryNumber(entry[2], out uid);
            TryNumber(entry[3], out gid);
        }
        if (owner.Group is { Length: > 0 } group)
        {
            if (TryNumber(group, out uint numericGroup)) gid = numericGroup;
            else if (Lookup(rootFilesystem, "/etc/group", 4, group) is { } groupEntry) TryNumber(groupEntry[2], out gid);
        }
        return (uid, gid);
    }

    private static string[]? Lookup(string root, string file, int fields, string name) =>
        ContainerUserResolver.ReadEntries(root, file, fields).FirstOrDefault(parts => parts[0] == name);

    private static bool TryNumber(string text, out uint value) => ContainerUserResolver.TryNumber(text, out value);
}
