using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Builder.Cache.Distribution;

/// <summary>
/// Credentials from Docker's client config (<c>$DOCKER_CONFIG/config.json</c>, else <c>~/.docker/config.json</c>):
/// <c>credHelpers</c> for a host, then <c>auths</c> (base64 <c>auth</c>, or <c>username</c>/<c>password</c>),
/// then the <c>credsStore</c> helper — the order the Docker CLI uses. Helpers are run as
/// <c>docker-credential-NAME get</c> with the host on stdin. <c>imgbuild login</c> writes through <see cref="Save"/>.
/// </summary>
public sealed class DockerConfigCredentials(string configPath) : IRegistryCredentials
{
    private const string DockerHubKey = "https://index.docker.io/v1/";

    /// <summary>The config file Docker would read with <paramref name="environment"/>: <c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c>.</summary>
    public static string DefaultPath(Func<string, string?> environment) =>
        Path.Combine(environment("DOCKER_CONFIG") is { Length: > 0 } directory
            ? directory
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"), "config.json");

    /// <summary>The config file this instance reads and writes.</summary>
    public string ConfigPath { get; } = configPath;

    /// <inheritdoc />
    /// <exception cref="RegistryException">The config file is malformed or a credential helper fails.</exception>
    public RegistryCredential? Find(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        JsonObject? config = Load();
        if (config is null) return null;
        string[] keys = IsDockerHub(host) ? [DockerHubKey, "docker.io", "index.docker.io", "registry-1.docker.io"] : [host, "https://" + host, "http://" + host];
        if (config["credHelpers"] is JsonObject helpers)
        {
            foreach (string key in keys)
                if (helpers[key]?.GetValue<string>() is { Length: > 0 } helper) return RunHelper(helper, keys[0]);
        }
        if (config["auths"] is JsonObject auths)
        {
            foreach (string key in keys)
            {
                if (auths[key] is not JsonObject entry) continue;
                if (entry["auth"]?.GetValue<string>() is { Length: > 0 } encoded)
                {
                    string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                    int colon = decoded.IndexOf(':', StringComparison.Ordinal);
                    if (colon < 0) throw new RegistryException($"{ConfigPath}: the auth entry for {key} is not base64 of 'user:password'");
                    return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..]);
                }
                if (entry["username"]?.GetValue<string>() is { } user && entry["password"]?.GetValue<string>() is { } password)
                    return new RegistryCredential(user, password);
            }
        }
        return config["credsStore"]?.GetValue<string>() is { Length: > 0 } store ? RunHelper(store, keys[0]) : null;
    }

    /// <summary>Stores <paramref name="credential"/> for <paramref name="host"/> in <c>auths</c>, keeping the rest of the file.</summary>
    public void Save(string host, RegistryCredential credential)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(credential);
        JsonObject config = Load() ?? [];
        if (config["auths"] is not JsonObject auths)
        {
            auths = [];
            config["auths"] = auths;
        }
        auths[IsDockerHub(host) ? DockerHubKey : host] = new JsonObject
        {
            ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credential.Username}:{credential.Password}")),
        };
        Write(config);
    }

    /// <summary>Removes the <c>auths</c> entry of <paramref name="host"/>; false when there was none.</summary>
    public bool Remove(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        JsonObject? config = Load();
        if (config?["auths"] is not JsonObject auths || !auths.Remove(IsDockerHub(host) ? DockerHubKey : host)) return false;
        Write(config);
        return true;
    }

    private void Write(JsonObject config)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(ConfigPath))!);
        string temporary = ConfigPath + ".tmp";
        File.WriteAllText(temporary, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, ConfigPath, overwrite: true);
    }

    private JsonObject? Load()
    {
        if (!File.Exists(ConfigPath)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(ConfigPath)) as JsonObject
                ?? throw new RegistryException($"{ConfigPath} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new RegistryException($"{ConfigPath} is not valid JSON: {e.Message}");
        }
    }

    private static bool IsDockerHub(string host) => host is "docker.io" or "index.docker.io" or "registry-1.docker.io";

    private static RegistryCredential? RunHelper(string helper, string serverUrl)
    {
        var start = new ProcessStartInfo("docker-credential-" + helper)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("get");
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new RegistryException($"the credential helper docker-credential-{helper} is not installed");
        }
        using (process)
        {
            process.StandardInput.Write(serverUrl);
            process.StandardInput.Close();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            // Helpers say "credentials not found" with a non-zero status: that means anonymous access.
            if (process.ExitCode != 0) return null;
            using JsonDocument document = JsonDocument.Parse(output);
            string? user = document.RootElement.TryGetProperty("Username", out JsonElement u) ? u.GetString() : null;
            string? secret = document.RootElement.TryGetProperty("Secret", out JsonElement s) ? s.GetString() : null;
            return user is null || secret is null ? null : new RegistryCredential(user, secret);
        }
    }
}
