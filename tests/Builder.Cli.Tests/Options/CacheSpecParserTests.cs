using Builder.Cache.BuildCache;
using Builder.Cli.Options;

namespace Builder.Cli.Tests.Options;

public sealed class CacheSpecParserTests
{
    [Theory]
    [InlineData("type=registry,ref=reg:5000/ci/cache:main,mode=max", CacheLocationType.Registry, "reg:5000/ci/cache:main", CacheExportMode.Max)]
    [InlineData("type=local,dest=/tmp/cache", CacheLocationType.Local, "/tmp/cache", CacheExportMode.Min)]
    [InlineData("reg:5000/ci/cache:main", CacheLocationType.Registry, "reg:5000/ci/cache:main", CacheExportMode.Min)]
    [InlineData("type=local,\"dest=/tmp/a,b\"", CacheLocationType.Local, "/tmp/a,b", CacheExportMode.Min)]
    [InlineData("Type=local,\"dest=/tmp/\"\"q\"\"\",MODE=max", CacheLocationType.Local, "/tmp/\"q\"", CacheExportMode.Max)]
    public void Parse_BuildxSyntax_ReadsTypeLocationAndMode(string text, CacheLocationType type, string location, CacheExportMode mode)
    {
        CacheSpec spec = CacheSpecParser.Parse(text, export: true);

        Assert.Equal((type, location, mode), (spec.Type, spec.Location, spec.Mode));
    }

    [Fact]
    public void Parse_ImportLocal_ReadsSrcAndTag()
    {
        CacheSpec spec = CacheSpecParser.Parse("type=local,src=/c,tag=v1", export: false);

        Assert.Equal((CacheLocationType.Local, "/c", "v1"), (spec.Type, spec.Location, spec.Tag));
    }

    [Theory]
    [InlineData("type=gha", "--cache-to 'type=gha': type=gha is not supported yet")]
    [InlineData("type=registry", "needs ref=")]
    [InlineData("type=local,src=/x", "needs dest=")]
    [InlineData("type=registry,ref=r/c,mode=all", "mode=all")]
    [InlineData("type=registry,ref=r/c,unknown=1", "--cache-to 'type=registry,ref=r/c,unknown=1': option 'unknown' is not supported yet")]
    [InlineData("type=registry,ref=r/c,max", "--cache-to 'type=registry,ref=r/c,max': 'max' is not key=value")]
    [InlineData("type=local,\"dest=/x", "unterminated quote")]
    [InlineData("a/b,c/d", "several references in one value")]
    [InlineData("type=registry,ref=r/c,cache-mounts=yes", "cache-mounts=yes: write cache-mounts=true or false")]
    [InlineData("type=inline,cache-mounts=true", "cache-mounts=true is for --cache-to type=registry or type=local")]
    [InlineData("type=registry,ref=r/c,cache-mounts=true,cache-mounts-max-size=lots", "cache-mounts-max-size=lots: write a size")]
    public void Parse_BadValues_SayWhatIsWrong(string text, string message)
    {
        var error = Assert.Throws<FormatException>(() => CacheSpecParser.Parse(text, export: true));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CacheMounts_ReadsTheFlagAndTheCap()
    {
        CacheSpec spec = CacheSpecParser.Parse("type=registry,ref=r/c,cache-mounts=true,cache-mounts-max-size=500MiB", export: true);

        Assert.True(spec.CacheMounts);
        Assert.Equal(500L << 20, spec.CacheMountsMaxSize);
    }

    [Fact]
    public void Parse_NoCacheMounts_IsOffWithTheDefaultCap()
    {
        CacheSpec spec = CacheSpecParser.Parse("type=registry,ref=r/c", export: true);

        Assert.Equal((false, 1L << 30), (spec.CacheMounts, spec.CacheMountsMaxSize));
    }

    [Fact]
    public void Parse_CacheFromError_NamesCacheFrom()
    {
        var error = Assert.Throws<FormatException>(() => CacheSpecParser.Parse("type=local", export: false));

        Assert.StartsWith("--cache-from 'type=local': type=local needs src=", error.Message, StringComparison.Ordinal);
    }
}
