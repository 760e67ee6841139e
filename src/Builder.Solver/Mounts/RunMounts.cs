using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Builder.Cache.Content;
using Builder.Filesystem;
using Builder.Graph;
using Builder.Solver.Runtime;
using Builder.Solver.Snapshots;

namespace Builder.Solver.Mounts;

/// <summary>
/// The <c>RUN --mount</c>s of one step turned into runc mounts, and everything they hold until the process ends:
/// bind sources (read-only, or a throwaway snapshot when <c>rw</c> so writes are discarded), cache directories kept
/// in the store between builds (with their <c>sharing</c> lock), tmpfs, forwarded SSH agents, and secrets written to files in the bundle
/// (never in a layer, a cache key or the logs). Disposing releases them all.
/// </summary>
internal sealed class RunMounts : IDisposable
{
    private readonly List<IDisposable> _held = [];
    private int _sshCount;

    private RunMounts()
    {
    }

    /// <summary>The mounts, in the order the Dockerfile gave them.</summary>
    public List<ContainerMount> Mounts { get; } = [];

    /// <summary>Environment variables the mounts add (<c>--mount=type=secret,env=NAME</c>).</summary>
    public List<string> Env { get; } = [];

    /// <summary>Where the first forwarded SSH agent is in the container, for <c>SSH_AUTH_SOCK</c>; null without one.</summary>
    public string? SshAuthSocket { get; private set; }

    /// <exception cref="InvalidOperationException">A required secret (<c>--secret</c>) or SSH agent (<c>--ssh</c>) was not given.</exception>
    public static async Task<RunMounts> PrepareAsync(ExecStep step, IReadOnlyList<IReadOnlyList<string>> inputs, RunMountOptions options,
        string bundle, CancellationToken cancellationToken)
    {
        var mounts = new RunMounts();
        try
        {
            foreach (ExecMount mount in step.Mounts)
            {
                switch (mount)
                {
                    case BindMount bind:
                        mounts.Bind(bind, inputs, options);
                        break;
                    case CacheMount cache:
                        await mounts.CacheAsync(cache, inputs, options, cancellationToken).ConfigureAwait(false);
                        break;
                    case TmpfsMount tmpfs:
                        mounts.Mounts.Add(new ContainerMount(tmpfs.Target, "tmpfs", "tmpfs",
                            ["nosuid", "nodev", .. tmpfs.Size is { } size ? new[] { $"size={size}" } : []]));
                        break;
                    case SecretMount secret:
                        mounts.Secret(secret, options, bundle);
                        break;
                    case SshMount ssh:
                        mounts.Ssh(ssh, options, bundle);
                        break;
                    default:
                        throw new NotSupportedException($"not supported yet: RUN --mount of {mount.GetType().Name} when building");
                }
            }
            return mounts;
        }
        catch
        {
            mounts.Dispose();
            throw;
        }
    }

    private void Bind(BindMount bind, IReadOnlyList<IReadOnlyList<string>> inputs, RunMountOptions options)
    {
        IReadOnlyList<string> lowers = inputs[bind.Input];
        string root;
        if (lowers.Count == 1 && bind.ReadOnly)
        {
            root = lowers[0];
        }
        else
        {
            // A stack of layers, or rw (writes must not reach the source): a snapshot of its own, thrown away after.
            Snapshot snapshot = options.Snapshotter.Create(lowers, options.WorkRoot);
            _held.Add(snapshot);
            root = snapshot.RootFilesystem;
        }
        string source = RootedPath.Resolve(root, bind.Source);
        if (!File.Exists(source) && !Directory.Exists(source))
            throw new IOException($"RUN --mount=type=bind: source \"{bind.Source}\" does not exist");
        Mounts.Add(new ContainerMount(bind.Target, "bind", source, ["rbind", bind.ReadOnly ? "ro" : "rw"]));
    }

    private async Task CacheAsync(CacheMount cache, IReadOnlyList<IReadOnlyList<string>> inputs, RunMountOptions options, CancellationToken cancellationToken)
    {
        string directory = Path.Combine(options.CacheMountRoot, StoreLayout.CacheMountName(cache.Id));
        Directory.CreateDirectory(options.CacheMountRoot);
        // locked: one user at a time. private would get a fresh instance in BuildKit; here it waits like locked.
        if (cache.Sharing != CacheSharing.Shared)
            _held.Add(await FileLock.AcquireAsync(directory + ".lock", exclusive: true, cancellationToken).ConfigureAwait(false));
        if (!Directory.Exists(directory))
        {
            string temporary = $"{directory}.{Guid.NewGuid():N}";
            Directory.CreateDirectory(temporary);
            // A cache imported with --cache-from fills a mount this machine does not have (a fresh CI runner); a
            // local one, even empty, is never replaced.
            bool restored = options.ImportedCacheMounts is { } imported
                && await imported.TryRestoreAsync(cache.Id, temporary, cancellationToken).ConfigureAwait(false);
            if (!restored && cache.FromInput is { } from && inputs[from].Count > 0)
            {
                string seed = RootedPath.Resolve(inputs[from][0], cache.Source ?? "/");
                if (Directory.Exists(seed)) CopyTree(seed, temporary);
            }
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, (UnixFileMode)cache.Mode);
            FileOwnership.Set(temporary, (uint)cache.Uid, (uint)cache.Gid);
            try
            {
                Directory.Move(temporary, directory);
            }
            catch (IOException) when (Directory.Exists(directory))
            {
                Directory.Delete(temporary, recursive: true); // another build made it first
            }
        }
        Mounts.Add(new ContainerMount(cache.Target, "bind", directory, ["rbind", cache.ReadOnly ? "ro" : "rw"]));
    }

    private void Secret(SecretMount secret, RunMountOptions options, string bundle)
    {
        if (!options.Secrets.TryGetValue(secret.Id, out byte[]? value))
        {
            if (secret.Required) throw new InvalidOperationException($"secret \"{secret.Id}\" is required: pass it with --secret id={secret.Id},src=FILE");
            return;
        }
        if (secret.Env is { } variable)
            Env.Add($"{variable}={Encoding.UTF8.GetString(value)}");
        if (secret.Target is null && secret.Env is not null) return;
        string directory = Path.Combine(bundle, "secrets");
        Directory.CreateDirectory(directory);
        string file = Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret.Id)))[..16]);
        File.WriteAllBytes(file, value);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, (UnixFileMode)secret.Mode);
        FileOwnership.Set(file, (uint)secret.Uid, (uint)secret.Gid);
        Mounts.Add(new ContainerMount(secret.Target ?? $"/run/secrets/{secret.Id}", "bind", file, ["rbind", "ro"]));
    }

    // BuildKit's default targets are /run/buildkit/ssh_agent.N, N counting the step's ssh mounts; SSH_AUTH_SOCK
    // points at the first unless the step sets it.
    private void Ssh(SshMount ssh, RunMountOptions options, string bundle)
    {
        int index = _sshCount++;
        if (!options.SshAgents.TryGetValue(ssh.Id, out string? agent))
        {
            if (ssh.Required) throw new InvalidOperationException($"SSH agent \"{ssh.Id}\" is required: pass it with --ssh {ssh.Id}=$SSH_AUTH_SOCK");
            return;
        }
        string directory = Path.Combine(bundle, "ssh");
        Directory.CreateDirectory(directory);
        var forwarder = SshAgentForwarder.Start(Path.Combine(directory, $"agent.{index}"), agent, ssh.Mode, (uint)ssh.Uid, (uint)ssh.Gid);
        _held.Add(forwarder);
        string target = ssh.Target ?? $"/run/buildkit/ssh_agent.{index}";
        Mounts.Add(new ContainerMount(target, "bind", forwarder.Path, ["rbind", "rw"]));
        if (index == 0) SshAuthSocket = target;
    }

    private static void CopyTree(string source, string target)
    {
        var start = new System.Diagnostics.ProcessStartInfo("cp") { UseShellExecute = false, RedirectStandardError = true };
        foreach (string argument in new[] { "-a", "--", source + "/.", target }) start.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new IOException($"seeding a cache mount from {source} failed: {error.Trim()}");
    }

    public void Dispose()
    {
        foreach (IDisposable held in Enumerable.Reverse(_held)) held.Dispose();
        _held.Clear();
    }
}
