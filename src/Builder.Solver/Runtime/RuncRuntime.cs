using Builder.Solver.Progress;
using System.Diagnostics;

namespace Builder.Solver.Runtime;

/// <summary>
/// Runs build containers with <c>runc</c>: writes the bundle's <c>config.json</c>, runs the process with its
/// output streamed line by line, and always leaves nothing behind — on success, failure or cancellation the
/// container is killed and deleted and the mount stubs are removed.
/// </summary>
/// <param name="runcPath">The runc binary.</param>
/// <param name="stateDirectory">runc's <c>--root</c>: imgbuild's containers are kept apart from other runc users'.</param>
public sealed class RuncRuntime(string runcPath, string stateDirectory) : IContainerRuntime
{
    /// <summary>The runc state directory.</summary>
    public string StateDirectory { get; } = stateDirectory;

    /// <inheritdoc />
    /// <exception cref="MemoryLimitReachedException">The process failed because the container reached its memory limit.</exception>
    public Task<int> RunAsync(string containerId, ContainerSpec spec, string bundleDirectory,
        Action<ContainerOutputLine> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        return RunContainerAsync(containerId, spec, bundleDirectory, output, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>
    /// With <see cref="ContainerProcess.Terminal"/> set, <c>runc run</c> in the foreground makes the pseudo-terminal
    /// itself, puts the caller's terminal in raw mode, copies between the two and passes on window size changes
    /// (runc's tty.go), so the shell has line editing, job control and Ctrl-C as in <c>docker run -it</c>.
    /// </remarks>
    public Task<int> RunAttachedAsync(string containerId, ContainerSpec spec, string bundleDirectory, CancellationToken cancellationToken) =>
        RunContainerAsync(containerId, spec, bundleDirectory, output: null, cancellationToken);

    // output null: the process inherits this process's standard streams.
    private async Task<int> RunContainerAsync(string containerId, ContainerSpec spec, string bundleDirectory,
        Action<ContainerOutputLine>? output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Directory.CreateDirectory(bundleDirectory);
        Directory.CreateDirectory(StateDirectory);
        // Only a limited container gets a cgroup path of imgbuild's: its parent outlives runc, to read whether the
        // container reached its memory limit (ContainerCgroup); an unlimited one keeps runc's default.
        ContainerCgroup? cgroup = spec.Resources.IsEmpty || spec.CgroupsPath is not null ? null : new ContainerCgroup(containerId);
        var withNetworkFiles = spec with
        {
            Mounts = [.. NetworkFiles.Write(bundleDirectory, spec.Hostname, spec.ExtraHosts), .. spec.Mounts],
            CgroupsPath = cgroup?.CgroupsPath ?? spec.CgroupsPath,
        };
        await File.WriteAllBytesAsync(Path.Combine(bundleDirectory, "config.json"), RuntimeSpecWriter.Write(withNetworkFiles), cancellationToken)
            .ConfigureAwait(false);
        MountStubs stubs = MountStubs.Record(spec.RootFilesystem, withNetworkFiles.Mounts);

        bool attached = output is null;
        var start = new ProcessStartInfo(runcPath)
        {
            RedirectStandardInput = !attached,
            RedirectStandardOutput = !attached,
            RedirectStandardError = !attached,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { "--root", StateDirectory, "run", "--bundle", bundleDirectory, containerId })
            start.ArgumentList.Add(argument);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
            Task pumped = Task.CompletedTask;
            if (output is not null)
            {
                process.StandardInput.Close();
                pumped = Task.WhenAll(PumpAsync(process.StandardOutput, false, output), PumpAsync(process.StandardError, true, output));
            }
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await StopAsync(containerId, process).ConfigureAwait(false);
                throw;
            }
            await pumped.ConfigureAwait(false);
            if (process.ExitCode != 0 && cgroup is not null && spec.Resources.MemoryBytes is { } limit && cgroup.MemoryLimitReached(limit))
                throw new MemoryLimitReachedException(limit, process.ExitCode);
            return process.ExitCode;
        }
        finally
        {
            // runc run destroys its container when the process ends; only one it could not (runc killed, a failed
            // start) still has a state directory, and a delete is only run then: a second runc process per RUN
            // step costs tens of milliseconds.
            if (Directory.Exists(Path.Combine(StateDirectory, containerId)))
                await DeleteAsync(containerId, CancellationToken.None).ConfigureAwait(false);
            cgroup?.Remove();
            stubs.Remove();
        }
    }

    /// <summary>The ids of the containers runc knows in <see cref="StateDirectory"/> (for leftover checks).</summary>
    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(StateDirectory)) return [];
        (int status, string text) = await RuncAsync(["--root", StateDirectory, "list", "--quiet"], cancellationToken).ConfigureAwait(false);
        return status == 0 ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
    }

    // The container may still be being created when cancellation comes, so the kill is repeated until runc exits;
    // if runc itself hangs it is killed after ten seconds and the delete in RunAsync's finally cleans up.
    private async Task StopAsync(string containerId, Process process)
    {
        DateTime giveUp = DateTime.UtcNow.AddSeconds(10);
        while (!process.HasExited)
        {
            await RuncAsync(["--root", StateDirectory, "kill", "--all", containerId, "KILL"], CancellationToken.None).ConfigureAwait(false);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            try
            {
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (DateTime.UtcNow < giveUp)
            {
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The ids of the containers with a state directory in <see cref="StateDirectory"/>, running or not: read from
    /// the folder, so a container whose <c>state.json</c> a killed runc left half-written is listed too.
    /// </summary>
    public IReadOnlyList<string> StateIds() =>
        Directory.Exists(StateDirectory) ? [.. Directory.EnumerateDirectories(StateDirectory).Select(d => Path.GetFileName(d)!)] : [];

    /// <summary>
    /// Kills container <paramref name="containerId"/>'s processes and deletes it (<c>runc delete --force</c>); its state
    /// directory goes even where runc cannot read it. True if it is gone.
    /// </summary>
    public async Task<bool> DeleteAsync(string containerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        await RuncAsync(["--root", StateDirectory, "delete", "--force", containerId], cancellationToken).ConfigureAwait(false);
        // A limited container's parent cgroup (ContainerCgroup) is imgbuild's to remove, also for a build that was killed.
        new ContainerCgroup(containerId).Remove();
        string state = Path.Combine(StateDirectory, containerId);
        if (!Directory.Exists(state)) return true;
        // runc refuses a state it cannot load (a runc killed while writing it); with no process left, the folder is all there is.
        (int status, _) = await RuncAsync(["--root", StateDirectory, "state", containerId], cancellationToken).ConfigureAwait(false);
        if (status == 0) return false;
        Directory.Delete(state, recursive: true);
        return true;
    }

    private async Task<(int Status, string Output)> RuncAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(runcPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    private static async Task PumpAsync(StreamReader reader, bool isStandardError, Action<ContainerOutputLine> output)
    {
        string? line;
        while ((line = await reader.ReadLineAsync().ConfigureAwait(false)) is not null)
            output(new ContainerOutputLine(isStandardError, line));
    }
}
