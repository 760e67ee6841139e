using System.CommandLine;
using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Cli.Output;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild prune [--keep-recent 10m] [--dry-run]</c>: removes blobs no image and no root uses, and prints them
/// and the space reclaimed, as <c>docker image prune</c> does.
/// </summary>
internal static class PruneCommand
{
    public static Command Create(StoreRoot store, TextWriter stdout, TextWriter stderr)
    {
        var keepRecent = new Option<string>("--keep-recent")
        {
            Description = "Keep unreferenced blobs written this recently: another build may be about to tag them (0s removes all)",
            DefaultValueFactory = _ => "10m",
        };
        keepRecent.Validators.Add(result =>
        {
            if (!GoDuration.TryParse(result.GetValueOrDefault<string>(), out _))
                result.AddError($"--keep-recent '{result.GetValueOrDefault<string>()}' is not a duration: write for example 10m, 1h30m or 0s");
        });
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be removed, remove nothing" };
        var command = new Command("prune", "Remove unused blobs from the local store") { keepRecent, dryRun };
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async images =>
        {
            _ = GoDuration.TryParse(result.GetValue(keepRecent)!, out TimeSpan recent);
            bool dry = result.GetValue(dryRun);
            PruneReport report = await new GarbageCollector(images)
                .PruneAsync(new PruneOptions { KeepRecent = recent, DryRun = dry }, cancellationToken).ConfigureAwait(false);
            string verb = dry ? "Would delete" : "Deleted";
            foreach (BlobInfo blob in report.RemovedBlobs)
                stdout.WriteLine($"{verb}: {blob.Digest} ({ByteSize.Format(blob.Size)})");
            if (report.RemovedIngestFiles > 0)
                stdout.WriteLine($"{verb}: {report.RemovedIngestFiles} stale partial writes ({ByteSize.Format(report.IngestBytesFreed)})");
            if (!report.KeptRecentBlobs.IsEmpty)
            {
                stdout.WriteLine($"Kept: {report.KeptRecentBlobs.Length} unused blobs ({ByteSize.Format(report.KeptRecentBlobs.Sum(b => b.Size))}) "
                    + $"written in the last {GoDuration.Format(recent)}; --keep-recent 0s removes them");
            }
            stdout.WriteLine($"Total reclaimed space: {ByteSize.Format(dry ? 0 : report.BytesFreed)}"
                + (dry ? $" (dry run: {ByteSize.Format(report.BytesFreed)} would be)" : ""));
            return 0;
        }));
        return command;
    }
}
