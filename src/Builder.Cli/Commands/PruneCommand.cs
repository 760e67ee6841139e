using System.CommandLine;
using Builder.Engine;
using Builder.Cache.Content;
using Builder.Cache.Images;
using Builder.Cli.Output;
using Builder.Frontend.Instructions;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild prune [-a] [-f] [--keep-recent 10m] [--dry-run]</c>: removes what killed builds left (containers, mounts,
/// work folders), then blobs no image and no root uses, and prints them and the space reclaimed, as <c>docker image
/// prune</c> does; <c>-a</c> removes all build cache as <c>docker buildx prune -a</c> (see <see cref="StorePruneOptions.All"/>).
/// </summary>
internal static class PruneCommand
{
    public static Command Create(StoreRoot store, TextWriter stdout, TextWriter stderr, CliEnvironment environment)
    {
        var keepRecent = new Option<string>("--keep-recent")
        {
            Description = "Keep unreferenced blobs written this recently: another build may be about to tag them (0s removes all)",
            DefaultValueFactory = _ => "10m",
        };
        keepRecent.Validators.Add(result =>
        {
            if (!GoDuration.TryParse(result.GetValueOrDefault<string>(), out TimeSpan recent) || recent < TimeSpan.Zero)
                result.AddError($"--keep-recent '{result.GetValueOrDefault<string>()}' is not a duration: write for example 10m, 1h30m or 0s");
        });
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would be removed, remove nothing" };
        var keepStorage = new Option<string?>("--keep-storage") { Description = "Remove the least recently used build cache until the store's blobs take at most this much (for example 10GB)" };
        keepStorage.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } size && !ByteSize.TryParse(size, out _))
                result.AddError($"--keep-storage '{size}' is not a size: write for example 10GB or 512MB");
        });
        var filters = new Option<string[]>("--filter") { Description = "until=DURATION: remove build cache not used for that long (for example until=24h)" };
        filters.Validators.Add(result =>
        {
            foreach (string filter in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!filter.StartsWith("until=", StringComparison.Ordinal) || !GoDuration.TryParse(filter["until=".Length..], out TimeSpan until) || until < TimeSpan.Zero)
                    result.AddError($"--filter '{filter}': only until=DURATION is supported (for example until=24h)");
            }
        });
        var all = new Option<bool>("--all", "-a") { Description = "Remove all build cache not in use: every cache record, cache mount, unpacked base tree and unused blob (named images stay)" };
        var force = new Option<bool>("--force", "-f") { Description = "Do not ask for confirmation (imgbuild never asks; accepted as buildx prune takes it)" };
        var command = new Command("prune", "Remove unused blobs and build cache from the local store") { keepRecent, dryRun, keepStorage, filters, all, force };
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async images =>
        {
            _ = GoDuration.TryParse(result.GetValue(keepRecent)!, out TimeSpan recent);
            bool dry = result.GetValue(dryRun);
            long? storage = result.GetValue(keepStorage) is { } size && ByteSize.TryParse(size, out long bytes) ? bytes : null;
            TimeSpan? until = (result.GetValue(filters) ?? []).Select(f => GoDuration.TryParse(f["until=".Length..], out TimeSpan d) ? d : (TimeSpan?)null).FirstOrDefault();
            // Running builds hold the build lock shared: wait for them, so nothing they use goes.
            Directory.CreateDirectory(images.Content.Layout.Locks);
            using FileLock builds = await FileLock.AcquireAsync(images.Content.Layout.BuildLock, exclusive: true, cancellationToken).ConfigureAwait(false);
            // What killed builds left (containers, mounts, work folders) goes first: nothing holds it any more.
            if (!dry)
            {
                AbandonedBuildsReport recovered = await EngineSetup.ForStore(store, result, environment)
                    .RecoverAbandonedBuildsWhileLockedAsync(cancellationToken).ConfigureAwait(false);
                if (!recovered.IsEmpty) stdout.WriteLine($"Deleted: {recovered}");
            }
            StorePruneReport pruned = await new StorePruner(images, new Cache.BuildCache.CacheIndex(images))
                .PruneAsync(new StorePruneOptions { KeepStorage = storage, Until = until, KeepRecent = recent, DryRun = dry, All = result.GetValue(all) }, cancellationToken)
                .ConfigureAwait(false);
            PruneReport report = pruned.Blobs;
            if (pruned.RemovedRecords > 0)
                stdout.WriteLine($"{(dry ? "Would delete" : "Deleted")}: {pruned.RemovedRecords} build cache records");
            string verb = dry ? "Would delete" : "Deleted";
            if (pruned.RemovedCacheMounts > 0)
                stdout.WriteLine($"{verb}: {pruned.RemovedCacheMounts} cache mounts");
            foreach (BlobInfo blob in report.RemovedBlobs)
                stdout.WriteLine($"{verb}: {blob.Digest} ({ByteSize.Format(blob.Size)})");
            if (report.RemovedIngestFiles > 0)
                stdout.WriteLine($"{verb}: {report.RemovedIngestFiles} stale partial writes ({ByteSize.Format(report.IngestBytesFreed)})");
            if (!report.KeptRecentBlobs.IsEmpty && !result.GetValue(all))
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
