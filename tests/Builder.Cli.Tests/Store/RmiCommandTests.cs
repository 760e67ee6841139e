namespace Builder.Cli.Tests.Store;

public sealed class RmiCommandTests : IDisposable
{
    private readonly SeededStore _store = new();

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task Rmi_SeveralNamesOneUnknown_RemovesTheOthersAndExitsOne()
    {
        await _store.AddImageAsync("a:1", 10);
        await _store.AddImageAsync("b:1", 10);

        var (status, output, error) = _store.Run("rmi", "a:1", "missing:1", "b:1");

        Assert.Equal(1, status);
        Assert.Equal("imgbuild: no such image: missing:1\n", error);
        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Empty(await _store.Images.ListAsync());
    }

    [Fact]
    public void Rmi_NoName_IsAUsageError()
    {
        var (status, _, error) = _store.Run("rmi");
        Assert.NotEqual(0, status);
        Assert.Contains("Required argument 'name' missing", error);
    }
}
