using Builder.Cache.Content;

namespace Builder.Cache.Tests.Content;

public sealed class StoreLocationTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Resolve_RootOption_WinsOverEnvironment() =>
        Assert.Equal("/opt/store", StoreLocation.Resolve("/opt/store", Environment(("IMGBUILD_ROOT", "/env")), isPrivileged: true));

    [Fact]
    public void Resolve_ImgbuildRootVariable_WinsOverUserDefaults() =>
        Assert.Equal("/env/store", StoreLocation.Resolve(null, Environment(("IMGBUILD_ROOT", "/env/store"), ("HOME", "/home/u")), isPrivileged: false));

    [Fact]
    public void Resolve_RunningAsRoot_UsesVarLib() =>
        Assert.Equal("/var/lib/imgbuild", StoreLocation.Resolve(null, Environment(("HOME", "/root")), isPrivileged: true));

    [Fact]
    public void Resolve_UserWithXdgDataHome_UsesIt() =>
        Assert.Equal("/data/imgbuild", StoreLocation.Resolve(null, Environment(("XDG_DATA_HOME", "/data"), ("HOME", "/home/u")), isPrivileged: false));

    [Theory]
    [InlineData(null)]
    [InlineData("relative/data")]   // the XDG spec says a relative path is invalid and must be ignored
    public void Resolve_UserWithoutUsableXdgDataHome_UsesLocalShare(string? dataHome) =>
        Assert.Equal("/home/u/.local/share/imgbuild",
            StoreLocation.Resolve(null, Environment(("XDG_DATA_HOME", dataHome!), ("HOME", "/home/u")), isPrivileged: false));
}
