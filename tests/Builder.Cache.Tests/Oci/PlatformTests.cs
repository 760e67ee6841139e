using Builder.Oci;

namespace Builder.Cache.Tests.Oci;

public class PlatformTests
{
    [Theory]
    [InlineData("linux/amd64", "linux/amd64")]
    [InlineData("linux/x86_64", "linux/amd64")]
    [InlineData("linux/x86-64", "linux/amd64")]
    [InlineData("linux/amd64/v1", "linux/amd64")]
    [InlineData("linux/amd64/v3", "linux/amd64/v3")]
    [InlineData("linux/aarch64", "linux/arm64")]
    [InlineData("linux/arm64/v8", "linux/arm64")]
    [InlineData("linux/arm64/v9.0", "linux/arm64/v9")]
    [InlineData("linux/armhf", "linux/arm/v7")]
    [InlineData("linux/armel", "linux/arm/v6")]
    [InlineData("linux/arm", "linux/arm/v7")]
    [InlineData("linux/arm/6", "linux/arm/v6")]
    [InlineData("linux/arm/v5", "linux/arm/v5")]
    [InlineData("linux/i386", "linux/386")]
    [InlineData("Linux/AMD64", "linux/amd64")]
    [InlineData("macos/arm64", "darwin/arm64")]
    [InlineData("linux/riscv64", "linux/riscv64")]
    [InlineData("arm64", "linux/arm64")]
    public void Parse_Specifier_Normalises(string specifier, string expected) =>
        Assert.Equal(expected, Platform.Parse(specifier).ToString());

    [Fact]
    public void Parse_OnlyOS_UsesCurrentArchitecture() =>
        Assert.Equal(Platform.Current.Architecture, Platform.Parse("linux").Architecture);

    [Fact]
    public void Parse_Arm64V8_HasEmptyVariant() => Assert.Equal("", Platform.Parse("linux/arm64/v8").Variant);

    [Fact]
    public void Equality_AliasAndCanonical_AreEqual() =>
        Assert.Equal(Platform.Parse("linux/arm64"), new Platform("linux", "aarch64", "v8"));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("linux/", "architecture is empty")]
    [InlineData("/amd64", "operating system is empty")]
    [InlineData("linux/amd64/v1/x", "expected 'os/arch'")]
    [InlineData("linux/am d64", "may only have")]
    [InlineData("linux/amd64/", "variant is empty")]
    public void Parse_Invalid_ThrowsQuotingInput(string specifier, string reason)
    {
        var e = Assert.Throws<FormatException>(() => Platform.Parse(specifier));
        Assert.Contains($"'{specifier}'", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.False(Platform.TryParse(specifier, out _));
    }

    [Fact]
    public void Current_OnThisMachine_IsLinuxWithKnownArchitecture()
    {
        Assert.Equal("linux", Platform.Current.OS);
        Assert.Contains(Platform.Current.Architecture, new[] { "amd64", "arm64", "arm", "386", "s390x", "ppc64le", "riscv64", "loong64" });
    }
}
