using System.Collections.Immutable;
using System.Globalization;
using Builder.Filesystem;

namespace Builder.Solver.Runtime;

/// <summary>
/// Turns a <c>USER</c> value (<c>name</c>, <c>uid</c>, <c>name:group</c>, <c>uid:gid</c>, or empty) into the
/// process's uid, gid and supplementary groups exactly as BuildKit v0.24 does for RUN: executor/oci/user.go's
/// <c>GetUser</c> (a <c>uid:gid</c> pair of numbers is used as is; anything else goes through moby/sys/user's
/// <c>GetExecUser</c> on the image's <c>/etc/passwd</c> and <c>/etc/group</c>) and <c>WithUIDGID</c>, whose
/// <c>ensureAdditionalGids</c> puts the primary group first in the supplementary list when it is not there.
/// </summary>
public static class ContainerUserResolver
{
    // moby/sys/user's minID and maxID: ids must fit a signed 32-bit int.
    private const long MaxId = int.MaxValue;

    /// <summary>Resolves <paramref name="user"/> against the files under <paramref name="rootFilesystem"/>.</summary>
    /// <exception cref="ContainerUserException">
    /// A name is not in the image's passwd or group file, a number is out of range, or a file BuildKit reads is
    /// missing (it reads a missing file as an error, except for the default user, which is then root).
    /// </exception>
    public static ContainerUser Resolve(string user, string rootFilesystem)
    {
        ArgumentNullException.ThrowIfNull(user);
        bool isDefault = user.Length == 0;
        (uint uid, uint gid, ImmutableArray<uint> groups) = isDefault ? DefaultUser(rootFilesystem) : GetUser(user, rootFilesystem);
        // WithUIDGID's ensureAdditionalGids (from containerd): the primary group is always a supplementary one.
        return new ContainerUser(uid, gid, groups.Contains(gid) ? groups : groups.Insert(0, gid));
    }

    // GetUser(root, ""): user "0" looked up like any other, and root (0:0, no groups) if that fails.
    private static (uint, uint, ImmutableArray<uint>) DefaultUser(string root)
    {
        try
        {
            return GetUser("0", root);
        }
        catch (ContainerUserException)
        {
            return (0, 0, []);
        }
    }

    private static (uint Uid, uint Gid, ImmutableArray<uint> Groups) GetUser(string user, string root)
    {
        // ParseUIDGID's fast path: "uid:gid", both numbers (or "root"), reads no file and adds no groups.
        string[] pair = user.Split(':', 2);
        if (pair.Length == 2 && TryParseUid(pair[0], out uint fastUid) && TryParseUid(pair[1], out uint fastGid)) return (fastUid, fastGid, []);
        return GetExecUser(user, root);
    }

    private static (uint Uid, uint Gid, ImmutableArray<uint> Groups) GetExecUser(string spec, string root)
    {
        // parseLine: the user is the first ':' field, the group the second; anything after is ignored.
        string[] fields = spec.Split(':');
        string userArg = fields[0], groupArg = fields.Length > 1 ? fields[1] : string.Empty;
        bool userIsNumber = TryAtoi(userArg, out long uidArg), groupIsNumber = TryAtoi(groupArg, out long gidArg);

        // A missing file is an error wherever BuildKit reads it (it hands GetExecUser a nil *os.File, whose
        // reads fail with "invalid argument"): /etc/passwd always, /etc/group when groups are looked up.
        IReadOnlyList<PasswdEntry> passwd = ReadPasswd(root)
            ?? throw new ContainerUserException($"unable to find user {(userArg.Length == 0 ? "0" : userArg)}: the image has no readable /etc/passwd");
        PasswdEntry? entry = passwd.FirstOrDefault(u =>
            userArg.Length == 0 ? u.Uid == 0 : userIsNumber ? u.Uid == uidArg : u.Name == userArg);

        long uid = 0, gid = 0;
        string? matchedName = null;
        if (entry is not null)
        {
            (matchedName, uid, gid) = (entry.Name, entry.Uid, entry.Gid);
        }
        else if (userArg.Length > 0)
        {
            if (!userIsNumber) throw new ContainerUserException($"unable to find user {userArg}: no matching entries in passwd file");
            uid = CheckRange(uidArg);
        }

        var groups = ImmutableArray<uint>.Empty;
        if (groupArg.Length > 0 || matchedName is not null)
        {
            IReadOnlyList<GroupEntry> groupFile = ReadGroups(root)
                ?? throw new ContainerUserException($"unable to find groups for user {matchedName ?? userArg}: the image has no readable /etc/group");
            if (groupArg.Length > 0)
            {
                GroupEntry? group = groupFile.FirstOrDefault(g => groupIsNumber ? g.Gid == gidArg : g.Name == groupArg);
                if (group is not null) gid = group.Gid;
                else if (!groupIsNumber) throw new ContainerUserException($"unable to find group {groupArg}: no matching entries in group file");
                else gid = CheckRange(gidArg);
            }
            else
            {
                // Supplementary groups only in the implicit form: every group that lists the user, in file order.
                groups = [.. groupFile.Where(g => g.Members.Contains(matchedName!)).Select(g => (uint)g.Gid)];
            }
        }
        return ((uint)uid, (uint)gid, groups);
    }

    private static long CheckRange(long id) =>
        id is >= 0 and <= MaxId ? id : throw new ContainerUserException($"uids and gids must be in range 0-{MaxId}");

    // executor/oci's parseUID: "root" is 0, otherwise an unsigned 32-bit decimal number.
    private static bool TryParseUid(string text, out uint id)
    {
        if (text == "root")
        {
            id = 0;
            return true;
        }
        return TryNumber(text, out id);
    }

    // Go's strconv.Atoi: an optional sign, then decimal digits.
    private static bool TryAtoi(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private sealed record PasswdEntry(string Name, long Uid, long Gid);

    private sealed record GroupEntry(string Name, long Gid, string[] Members);

    // ParsePasswdFilter: blank lines skipped (comments are not), fields split on ':', a bad number read as 0.
    private static List<PasswdEntry>? ReadPasswd(string root) =>
        ReadLines(root, "/etc/passwd")?.Where(line => line.Length > 0)
            .Select(line => line.Split(':'))
            .Select(f => new PasswdEntry(f[0], Field(f, 2), Field(f, 3))).ToList();

    // ParseGroupFilter: blank and '#' lines skipped; the member list split on ',' as written.
    private static List<GroupEntry>? ReadGroups(string root) =>
        ReadLines(root, "/etc/group")?.Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.Split(':'))
            .Select(f => new GroupEntry(f[0], Field(f, 2), f.Length > 3 && f[3].Length > 0 ? f[3].Split(',') : [])).ToList();

    private static long Field(string[] fields, int index) =>
        fields.Length > index && TryAtoi(fields[index], out long value) ? value : 0;

    private static IEnumerable<string>? ReadLines(string root, string file)
    {
        string path = RootedPath.Resolve(root, file);
        return File.Exists(path) ? File.ReadAllLines(path).Select(line => line.Trim()) : null;
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
}
