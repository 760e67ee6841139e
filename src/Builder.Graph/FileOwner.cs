using System.Globalization;

namespace Builder.Graph;

/// <summary>
/// The owner given to created files (<c>--chown=user:group</c>). Each part is a name or a decimal id, as the user
/// wrote it; names are resolved against the destination's <c>/etc/passwd</c> and <c>/etc/group</c> when the step
/// runs, as BuildKit does.
/// </summary>
/// <param name="User">The user name or uid.</param>
/// <param name="Group">The group name or gid; <see langword="null"/> for the user's primary group (or the uid).</param>
public sealed record FileOwner(string User, string? Group = null)
{
    /// <summary>An owner given by numeric ids.</summary>
    public static FileOwner FromIds(int uid, int gid) =>
        new(uid.ToString(CultureInfo.InvariantCulture), gid.ToString(CultureInfo.InvariantCulture));

    /// <summary><c>user</c> or <c>user:group</c>.</summary>
    public override string ToString() => Group is null ? User : $"{User}:{Group}";
}
