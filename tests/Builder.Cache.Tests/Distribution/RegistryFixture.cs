using Builder.Testing.Registry;

namespace Builder.Cache.Tests.Distribution;

/// <summary>One anonymous registry for the registry tests, with the busybox fixture pushed by skopeo as <c>base/busybox:latest</c>.</summary>
public sealed class RegistryFixture : IDisposable
{
    public RegistryFixture()
    {
        Server = new RegistryServer();
        Busybox = Server.SeedBusybox("base/busybox");
    }

    public RegistryServer Server { get; }

    /// <summary>The seeded reference, <c>127.0.0.1:PORT/base/busybox:latest</c>.</summary>
    public string Busybox { get; }

    public void Dispose() => Server.Dispose();
}

[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "registry";
}
