using Builder.Cache.Export;
using Builder.Cache.Layers;
using Builder.Cli.Options;

namespace Builder.Cli.Tests.Options;

public sealed class OutputSpecParserTests
{
    [Fact]
    public void Parse_PlainPath_IsLocalDirectory()
    {
        OutputSpec spec = OutputSpecParser.Parse("out/rootfs");

        Assert.Equal(OutputType.Local, spec.Type);
        Assert.Equal("out/rootfs", spec.Destination);
    }

    [Fact]
    public void Parse_Dash_IsTarToStdout()
    {
        OutputSpec spec = OutputSpecParser.Parse("-");

        Assert.Equal((OutputType.Tar, "-"), (spec.Type, spec.Destination));
    }

    [Fact]
    public void Parse_DockerWithoutDest_IsTheDockerEngine()
    {
        OutputSpec spec = OutputSpecParser.Parse("type=docker,name=app:1");

        Assert.Equal((OutputType.Docker, null, true), (spec.Type, spec.Destination, spec.Tar));
    }

    [Theory]
    [InlineData("type=oci,dest=a.tar", OutputType.Oci, true)]
    [InlineData("type=oci,dest=dir,tar=false", OutputType.Oci, false)]
    [InlineData("type=oci-layout,dest=dir", OutputType.OciLayout, true)]
    [InlineData("type=docker,dest=a.tar", OutputType.Docker, true)]
    [InlineData("type=tar,dest=-", OutputType.Tar, true)]
    [InlineData("TYPE=local,DEST=x", OutputType.Local, true)]
    public void Parse_TypeAndDestination_AreRead(string value, OutputType type, bool tar)
    {
        OutputSpec spec = OutputSpecParser.Parse(value);

        Assert.Equal(type, spec.Type);
        Assert.Equal(tar, spec.Tar);
        Assert.NotNull(spec.Destination);
    }

    [Fact]
    public void Parse_Registry_PushesByDefaultWithQuotedNames()
    {
        OutputSpec spec = OutputSpecParser.Parse("type=registry,\"name=localhost:5000/a:1,localhost:5000/a:latest\"");

        Assert.True(spec.Push);
        Assert.Equal(["localhost:5000/a:1", "localhost:5000/a:latest"], spec.Names.ToArray());
    }

    [Fact]
    public void Parse_QuotedDestination_KeepsCommaAndDoubledQuote()
    {
        OutputSpec spec = OutputSpecParser.Parse("type=local,\"dest=out/a,b \"\"c\"\"\"");

        Assert.Equal("out/a,b \"c\"", spec.Destination);
    }

    [Fact]
    public void Parse_ImageWithOptions_ReadsMediaTypesAndCompression()
    {
        OutputSpec spec = OutputSpecParser.Parse("type=image,name=app:1,push=true,oci-mediatypes=false,compression=uncompressed");

        Assert.True(spec.Push);
        Assert.False(spec.OciMediaTypes);
        Assert.Equal(LayerCompression.Uncompressed, spec.Compression);
        Assert.Equal(["app:1"], spec.Names.ToArray());
    }

    [Fact]
    public void Parse_Zstd_ReadsLevel()
    {
        OutputSpec spec = OutputSpecParser.Parse("type=oci,dest=a.tar,compression=zstd,compression-level=9");

        Assert.Equal((LayerCompression.Zstd, (int?)9), (spec.Compression, spec.CompressionLevel));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("dest=x", "has no type=")]
    [InlineData("type=zip,dest=x", "--output: unknown type 'zip' (image, registry, local, tar, oci, oci-layout, docker)")]
    [InlineData("type=local", "needs dest=PATH")]
    [InlineData("type=local,dest=-", "only for tar outputs")]
    [InlineData("type=oci,dest=x,colour=red", "--output: unknown key 'colour'")]
    [InlineData("type=oci,dest=x,tar=maybe", "tar='maybe' is not true or false")]
    [InlineData("type=oci,dest=x,compression=lz4", "'lz4' is not gzip, zstd or uncompressed")]
    [InlineData("type=oci,dest=x,compression=zstd,oci-mediatypes=false", "needs OCI media types")]
    [InlineData("type=oci,dest=x,compression-level=99", "not a number from 0 to 22")]
    [InlineData("type=image,name=a,annotation.org.opencontainers.image.title=app", "not supported yet: --output annotation.org.opencontainers.image.title=…")]
    [InlineData("type=image,name=a,\"annotation-manifest[linux/amd64].k=v\"", "not supported yet: --output annotation-manifest[linux/amd64].k=…")]
    [InlineData("type=image,name=a,annotation=k=v", "not supported yet: --output annotation=…")]
    [InlineData("type=oci,dest=x,compression-level=12", "--output: compression-level=12 is for zstd; gzip's levels are 0 to 9")]
    [InlineData("type=oci,\"dest=x", "--output 'type=oci,\"dest=x': the quoted field \"dest=x has an unterminated quote")]
    [InlineData("type=oci,dest", "--output 'type=oci,dest': 'dest' is not key=value")]
    [InlineData("type=oci,dest=x,na\"me=a", "the quote in 'na\"me=a' must start the field")]
    public void Parse_BadValue_FailsSayingWhat(string value, string message)
    {
        var error = Assert.Throws<FormatException>(() => OutputSpecParser.Parse(value));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
