using Builder.Cli.Options;

namespace Builder.Cli.Tests.Options;

public sealed class BuildSecretsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("imgbuild-secrets-").FullName;

    [Fact]
    public void Parse_QuotedSrcWithComma_ReadsThatFile()
    {
        string file = Path.Combine(_directory, "with,comma");
        File.WriteAllText(file, "s3cret");

        var secrets = BuildSecrets.Parse([$"id=a,\"src={file}\""], Environment.GetEnvironmentVariable);

        Assert.Equal("s3cret"u8.ToArray(), secrets["a"]);
    }

    [Fact]
    public void Parse_TypeEnvWithSrc_ReadsTheVariableSrcNames()
    {
        string variable = "IMGBUILD_TEST_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, "from-env");
        try
        {
            var secrets = BuildSecrets.Parse([$"type=env,id=a,src={variable}"], name => name == variable ? "from-env" : null);

            Assert.Equal("from-env"u8.ToArray(), secrets["a"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Theory]
    [InlineData("id=a,scr=/x", "--secret 'id=a,scr=/x': unknown key 'scr' (id, src, env or type)")]
    [InlineData("id=a,type=ssh", "--secret 'id=a,type=ssh': unknown type 'ssh' (file or env)")]
    [InlineData("src=/x", "--secret 'src=/x' has no id=")]
    [InlineData("id=a,src=/x\"y", "the quote in 'src=/x\"y' must start the field")]
    public void Parse_BadValue_FailsNamingFlagAndField(string value, string message)
    {
        var error = Assert.Throws<FormatException>(() => BuildSecrets.Parse([value], Environment.GetEnvironmentVariable));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
