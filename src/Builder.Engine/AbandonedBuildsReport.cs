namespace Builder.Engine;

/// <summary>What <see cref="AbandonedBuildRecovery"/> removed.</summary>
/// <param name="Builds">Dead builds' workspaces recovered.</param>
/// <param name="Containers">runc containers killed and deleted.</param>
/// <param name="Mounts">Mounts removed (overlay snapshots, bundle tmpfs).</param>
/// <param name="Folders">Work folders deleted.</param>
/// <param name="Problem">What could not be removed and why (the last such), left for the next recovery; null when all went.</param>
public sealed record AbandonedBuildsReport(int Builds = 0, int Containers = 0, int Mounts = 0, int Folders = 0, string? Problem = null)
{
    /// <summary>Whether nothing was left and nothing failed.</summary>
    public bool IsEmpty => Builds + Containers + Mounts + Folders == 0 && Problem is null;

    /// <summary>One line for the user: "1 runc containers, 3 mounts and 2 work folders of 1 killed builds".</summary>
    public override string ToString() => $"{Containers} runc containers, {Mounts} mounts and {Folders} work folders of {Builds} killed builds"
        + (Problem is null ? "" : $"; could not remove {Problem}");
}
