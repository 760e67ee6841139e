namespace Builder.Testing;

/// <summary>
/// Where fixtures that are slow to make (base images) live, built once and shared by every test project and run.
/// Test assemblies run in parallel processes, so building takes an exclusive lock file and publishes with a rename.
/// </summary>
public static class FixtureDirectory
{
    /// <summary>The root: <c>$IMGBUILD_TEST_FIXTURES</c>, else <c>/var/tmp/imgbuild-test-fixtures</c>.</summary>
    public static string Root { get; } =
        Environment.GetEnvironmentVariable("IMGBUILD_TEST_FIXTURES") is { Length: > 0 } custom ? custom : "/var/tmp/imgbuild-test-fixtures";

    /// <summary>
    /// Returns <c>Root/name</c>, calling <paramref name="build"/> with a fresh temporary directory to make it if
    /// it does not exist yet. Whatever another process is building at the same time is waited for, not rebuilt.
    /// </summary>
    public static string GetOrBuild(string name, Action<string> build)
    {
        Directory.CreateDirectory(Root);
        string final = Path.Combine(Root, name);
        if (Directory.Exists(final)) return final;
        using FileStream lockFile = AcquireLock(Path.Combine(Root, name + ".lock"));
        if (Directory.Exists(final)) return final;
        string temporary = Path.Combine(Root, $".{name}.{Environment.ProcessId}.tmp");
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        Directory.CreateDirectory(temporary);
        try
        {
            build(temporary);
            Directory.Move(temporary, final);
        }
        finally
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        }
        return final;
    }

    private static FileStream AcquireLock(string path)
    {
        DateTime giveUp = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < giveUp)
            {
                Thread.Sleep(200);
            }
        }
    }
}
