using System.ComponentModel;
using System.Text.RegularExpressions;
using Builder.Cache.Content;
using Builder.Solver.Runtime;
using Builder.Solver.Snapshots;

namespace Builder.Engine;

/// <summary>
/// Removes what builds that died without cleaning up (<c>kill -9</c>, an out-of-memory kill, a second Ctrl-C) left in
/// the store: their runc containers, their mounts (overlay snapshots, the bundle tmpfs holding secrets) and their work
/// folders. A build is dead when its workspace's owner lock is free (<see cref="BuildWorkspace"/>); a live build's
/// workspace, mounts and containers are never touched. Every build runs it when it starts, and <c>prune</c> too.
/// </summary>
/// <param name="layout">The store.</param>
/// <param name="runc">The runtime whose state directory is the store's; null where runc is not installed (no container can then exist).</param>
internal sealed partial class AbandonedBuildRecovery(StoreLayout layout, RuncRuntime? runc)
{
    /// <summary>
    /// Recovers every dead build's workspace. With <paramref name="noBuildRunning"/> (the caller holds the build lock
    /// exclusively, so no build is between its start and its end) it also removes what builds left before workspaces
    /// existed: <c>imgbuild-…</c> containers, mounts and per-build folders directly under <c>work/</c>.
    /// </summary>
    public async Task<AbandonedBuildsReport> RecoverAsync(bool noBuildRunning, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> containers = runc?.StateIds() ?? [];
        IReadOnlyList<string> mounts = MountTable.MountPointsUnder(layout.Work);
        var ids = new SortedSet<string>(BuildWorkspace.ListFolders(layout), StringComparer.Ordinal);
        foreach (string container in containers)
            if (BuildWorkspace.TryIdOfContainer(container, out string? id)) ids.Add(id);
        foreach (string mount in mounts)
            if (BuildWorkspace.TryIdOfPath(layout, mount, out string? id)) ids.Add(id);

        var report = new AbandonedBuildsReport();
        foreach (string id in ids)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!BuildWorkspace.TryAdopt(layout, id, out BuildWorkspace? workspace)) continue; // its build is alive
            using (workspace)
            {
                try
                {
                    // Containers first: a running one holds its snapshot mount busy.
                    foreach (string container in containers.Where(c => c.StartsWith(workspace.ContainerPrefix, StringComparison.Ordinal)))
                        report = report with { Containers = report.Containers + await DeleteAsync(container, cancellationToken).ConfigureAwait(false) };
                    report = report with { Mounts = report.Mounts + MountTable.UnmountUnder(workspace.Directory), Builds = report.Builds + 1 };
                    if (Directory.Exists(workspace.Directory)) report = report with { Folders = report.Folders + 1 };
                }
                catch (Exception e) when (e is IOException or Win32Exception or UnauthorizedAccessException)
                {
                    // Left for the next build or prune to try again; this build goes on.
                    report = report with { Problem = $"{workspace.Directory}: {e.Message}" };
                }
            }
        }
        return noBuildRunning ? await RecoverUnownedAsync(containers, report, cancellationToken).ConfigureAwait(false) : report;
    }

    // What builds made before they had workspaces: containers imgbuild-<16 hex>, and snapshot, bundle, context and
    // layer files straight under work/. Only safe while no build runs; workspaces are not among them.
    private async Task<AbandonedBuildsReport> RecoverUnownedAsync(IReadOnlyList<string> containers, AbandonedBuildsReport report,
        CancellationToken cancellationToken)
    {
        foreach (string container in containers.Where(c => UnownedContainer().IsMatch(c)))
            report = report with { Containers = report.Containers + await DeleteAsync(container, cancellationToken).ConfigureAwait(false) };
        if (!Directory.Exists(layout.Work)) return report;
        foreach (string entry in Directory.EnumerateFileSystemEntries(layout.Work))
        {
            string name = Path.GetFileName(entry);
            if (!UnownedEntry().IsMatch(name)) continue;
            try
            {
                report = report with { Mounts = report.Mounts + MountTable.UnmountUnder(entry), Folders = report.Folders + 1 };
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
            }
            catch (Exception e) when (e is IOException or Win32Exception or UnauthorizedAccessException)
            {
                report = report with { Problem = $"{entry}: {e.Message}" };
            }
        }
        return report;
    }

    private async Task<int> DeleteAsync(string container, CancellationToken cancellationToken) =>
        runc is not null && await runc.DeleteAsync(container, cancellationToken).ConfigureAwait(false) ? 1 : 0;

    [GeneratedRegex("^imgbuild-[0-9a-f]{16}$")]
    private static partial Regex UnownedContainer();

    // The names ExecStepRunner, the snapshotters, SnapshotCommitter and BuildSession gave things under work/ itself.
    [GeneratedRegex("^(snapshot-[0-9a-f]{32}|imgbuild-[0-9a-f]{16}|context-[0-9a-f]{12}|[0-9a-f]{32}\\.layer|empty|l)$")]
    private static partial Regex UnownedEntry();
}
