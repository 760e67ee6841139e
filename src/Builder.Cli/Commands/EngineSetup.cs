using System.CommandLine;
using Builder.Engine;

namespace Builder.Cli.Commands;

/// <summary>
/// Makes the <see cref="BuildEngine"/> a command uses from its global options and the environment: the store
/// (<c>--root</c>, <c>$IMGBUILD_ROOT</c>), registries (<c>--insecure-registry</c>, <c>$DOCKER_CONFIG</c>), the size
/// cap (<c>$IMGBUILD_KEEP_STORAGE</c>), where runc and git are found (<c>$PATH</c>) and the Docker engine
/// <c>--load</c> loads into (<c>$DOCKER_HOST</c>).
/// </summary>
internal static class EngineSetup
{
    /// <summary>The variable that sets the store's size cap (a size such as <c>20GB</c>, or <c>0</c> for none).</summary>
    public const string KeepStorageVariable = "IMGBUILD_KEEP_STORAGE";

    /// <exception cref="FormatException">The size cap variable is not a size.</exception>
    public static BuildEngine Create(StoreRoot store, RegistryAccess registry, ParseResult result, CliEnvironment environment) => new(new EngineOptions
    {
        StoreRoot = store.Resolve(result),
        DockerConfigPath = registry.ConfigPath,
        InsecureRegistries = [.. result.GetValue(registry.InsecureOption) ?? []],
        StorageCap = StorageCapOf(environment.Variable(KeepStorageVariable)),
        SearchPath = [.. SearchPathOf(environment)],
        DockerHost = environment.Variable("DOCKER_HOST") is { Length: > 0 } host ? host : Cache.Export.DockerEngineClient.DefaultHost,
    });

    /// <summary>An engine for store maintenance (<c>prune</c>): the store and where runc is found, no registries.</summary>
    public static BuildEngine ForStore(StoreRoot store, ParseResult result, CliEnvironment environment) => new(new EngineOptions
    {
        StoreRoot = store.Resolve(result),
        SearchPath = [.. SearchPathOf(environment)],
    });

    private static string[] SearchPathOf(CliEnvironment environment) =>
        [.. (environment.Variable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries), "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    private static StorageCap StorageCapOf(string? configured)
    {
        if (configured is not { Length: > 0 }) return StorageCap.Default;
        if (!ByteSize.TryParse(configured, out long bytes))
            throw new FormatException($"{KeepStorageVariable}='{configured}' is not a size (for example 20GB, or 0 for no cap)");
        return StorageCap.Of(bytes, KeepStorageVariable);
    }
}
