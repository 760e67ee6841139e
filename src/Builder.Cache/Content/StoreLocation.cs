namespace Builder.Cache.Content;

/// <summary>
/// Where the local store (content, images, locks) lives: <c>--root</c>, else <c>$IMGBUILD_ROOT</c>, else
/// <c>/var/lib/imgbuild</c> for root, else <c>$XDG_DATA_HOME/imgbuild</c> (<c>~/.local/share/imgbuild</c> when unset),
/// as the XDG base directory specification places per-user data.
/// </summary>
public static class StoreLocation
{
    /// <summary>The environment variable that overrides the default root.</summary>
    public const string RootVariable = "IMGBUILD_ROOT";

    /// <summary>The root used when running as root (euid 0).</summary>
    public const string SystemRoot = "/var/lib/imgbuild";

    /// <summary>Resolves the store root from an explicit option, the caller's environment and the effective user.</summary>
    /// <param name="rootOption">The <c>--root</c> value, or <see langword="null"/> when not given.</param>
    /// <param name="environment">The caller's environment variables.</param>
    /// <param name="isPrivileged">Whether the caller runs as root.</param>
    public static string Resolve(string? rootOption, Func<string, string?> environment, bool isPrivileged)
    {
        if (!string.IsNullOrEmpty(rootOption))
            return Path.GetFullPath(rootOption);
        if (environment(RootVariable) is { Length: > 0 } fromEnvironment)
            return Path.GetFullPath(fromEnvironment);
        if (isPrivileged)
            return SystemRoot;
        // XDG: a relative $XDG_DATA_HOME is invalid and must be ignored.
        if (environment("XDG_DATA_HOME") is { Length: > 0 } dataHome && Path.IsPathRooted(dataHome))
            return Path.Combine(dataHome, "imgbuild");
        string home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".local", "share", "imgbuild");
    }
}
