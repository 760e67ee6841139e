using System.Collections.Immutable;
using System.Globalization;
using Builder.Filesystem;

namespace Builder.Solver.Runtime;

/// <summary>
/// Turns a <c>USER</c> value (<c>name</c>, <c>uid</c>, <c>name:group</c>, <c>uid:gid</c>) into numeric credentials
/// through the image's <c>/etc/passwd</c> and <c>/etc/group</c>, as runc's <c>user.GetExecUser</c> does for Docker:
/// a numeric uid need not exist, a name must; without an explicit group the user's primary group and the groups
/// that list the user are used.
/// </summary>
public static class ContainerUserResolver
{
    /// <summary>Resolves <paramref name="user"/> against the files under <paramref name="rootFilesystem"/>.</summary>
    /// <exception cref="ContainerUserException">A name is not in the image's passwd or group file, or a number is out of range.</exception>
    public static ContainerUser Resolve(string user, string rootFilesystem)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Length == 0) return ContainerUser.Root;
        int colon = user.IndexOf(':');
        string userPart = colon < 0 ? user : user[..colon];
        string? groupPart = colon < 0 ? null : user[(colon + 1)..];

        IReadOnlyList<string[]> passwd = ReadEntries(rootFilesystem, "/etc/passwd", 7);
        uint uid, gid = 0;
        string? name = null;
        string[]? entry = passwd.FirstOrDefault(e => e[0] == userPart)
            ?? (TryNumber(userPart, out uint number) ? passwd.FirstOrDefault(e => e[2] == userPart) : null);
        if (entry is not null)
        {
            name = entry[0];
            uid = Number(entry[2], "uid", "/etc/passwd");
            gid = Number(entry[3], "gid", "/etc/passwd");
        }
        else if (TryNumber(userPart, out uint numeric))
        {
            uid = numeric;
        }
        else
        {
            throw new ContainerUserException($"unable to find user {userPart}: no matching entries in passwd file");
        }

        IReadOnlyList<string[]> groups = ReadEntries(rootFilesystem, "/etc/group", 4);
        if (groupPart is not null)
        {
            string[]? group = groups.FirstOrDefault(g => g[0] == groupPart);
            if (group is not null) gid = Number(group[2], "gid", "/etc/group");
            else if (TryNumber(groupPart, out uint numericGroup)) gid = numericGroup;
            else throw new ContainerUserException($"unable to find group {groupPart}: no matching entries in group file");
            return new ContainerUser(uid, gid, []);
        }
        ImmutableArray<uint> additional = name is null
            ? []
            : [.. groups
                .Where(g => g[3].Split(',', StringSplitOptions.TrimEntries).Contains(name, StringComparer.Ordinal))
                .Select(g => Number(g[2], "gid", "/etc/group"))
                .Where(g => g != gid)
                .Distinct()];
        return new ContainerUser(uid, gid, additional);
    }

    /// <summary>The entries of a passwd-style file inside the root filesystem, each padded to <paramref name="fields"/> fields; empty if it is missing.</summary>
    internal static IReadOnlyList<string[]> ReadEntries(string root, string file, int fields)
    {
        string path = RootedPath.Resolve(root, file);
        if (!File.Exists(path)) return [];
        return [.. File.ReadLines(path)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(':'))
            .Where(parts => parts.Length >= fields - 1)
            .Select(parts => parts.Length < fields ? [.. parts, ""] : parts)];
    }

    internal static bool TryNumber(string text, out uint value) =>
        uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static uint Number(string text, string what, string file) =>
        TryNumber(text, out uint value) ? value : throw new ContainerUserException($"{file} has a bad {what} '{text}'");
}
