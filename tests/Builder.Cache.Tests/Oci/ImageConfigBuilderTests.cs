using Builder.Oci;

namespace Builder.Cache.Tests.Oci;

public class ImageConfigBuilderTests
{
    private static readonly Digest Layer = Digest.Sha256Of([1]);

    [Fact]
    public void SetEnv_ExistingName_ReplacesInPlace()
    {
        ImageConfig config = ImageConfig.Empty(Platform.Parse("linux/amd64")).ToBuilder()
            .SetEnv("A", "1").SetEnv("B", "2").SetEnv("A", "3").Build();
        Assert.Equal<string>(["A=3", "B=2"], config.Config.Env);
    }

    [Fact]
    public void GetEnv_SetName_ReturnsValue() =>
        Assert.Equal("x=y", ImageConfig.Empty(Platform.Current).ToBuilder().SetEnv("K", "x=y").GetEnv("K"));

    [Fact]
    public void Build_AfterInstructions_KeepsBaseAndAddsNew()
    {
        ImageConfig baseConfig = ImageConfig.Empty(Platform.Parse("linux/amd64")).ToBuilder()
            .SetLabel("base", "1").AddLayer(Layer, new HistoryEntry { CreatedBy = "base" }).Build();
        ImageConfigBuilder builder = baseConfig.ToBuilder()
            .SetLabel("app", "2").AddExposedPort("80/tcp").AddVolume("/data")
            .AddHistory(new HistoryEntry { CreatedBy = "EXPOSE 80", EmptyLayer = true });
        builder.Cmd = ["serve"];
        ImageConfig config = builder.Build();

        Assert.Equal<string>(["app", "base"], config.Config.Labels.Keys);
        Assert.Equal<string>(["80/tcp"], config.Config.ExposedPorts);
        Assert.Equal<string>(["/data"], config.Config.Volumes);
        Assert.Equal<string>(["serve"], config.Config.Cmd);
        Assert.Equal<Digest>([Layer], config.RootFs.DiffIds);
        Assert.Equal(2, config.History.Length);
        Assert.Empty(baseConfig.Config.Cmd);
    }
}
