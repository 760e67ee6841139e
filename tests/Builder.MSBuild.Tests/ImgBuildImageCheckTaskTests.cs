using Builder.MSBuild;

namespace Builder.MSBuild.Tests;

/// <summary>The names the check compares with the store's listing, in the store's normal form.</summary>
public sealed class ImgBuildImageCheckTaskTests
{
    [Theory]
    [InlineData("app", "docker.io/library/app:latest")]
    [InlineData("app:1.0", "docker.io/library/app:1.0")]
    [InlineData("team/app:1", "docker.io/team/app:1")]
    [InlineData("127.0.0.1:5000/app:1", "127.0.0.1:5000/app:1")]
    [InlineData("localhost/app", "localhost/app:latest")]
    [InlineData("ghcr.io/org/app:2", "ghcr.io/org/app:2")]
    public void Canonical_Name_IsTheStoresForm(string name, string expected) =>
        Assert.Equal(expected, ImgBuildImageCheckTask.Canonical(name));
}
