using System.CommandLine;
using Builder.Cache.Images;
using Builder.Oci;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild rmi NAME…</c>: removes image names (untags them). Blobs stay until <c>imgbuild prune</c>. Every
/// name is tried; the status is 1 if any was unknown, as <c>docker rmi</c> does.
/// </summary>
internal static class RmiCommand
{
    public static Command Create(StoreRoot store, TextWriter stdout, TextWriter stderr)
    {
        var names = new Argument<string[]>("name") { Description = "Image names: app:1, app@sha256:…", Arity = ArgumentArity.OneOrMore };
        var command = new Command("rmi", "Remove image names from the local store") { names };
        command.SetAction(async (result, cancellationToken) =>
        {
            int status = 0;
            foreach (string name in result.GetValue(names)!)
            {
                int one = await store.RunAsync(result, stderr, async images =>
                {
                    foreach (ImageRecord removed in await images.RemoveAsync(StoreRoot.ParseReference(name), cancellationToken).ConfigureAwait(false))
                        stdout.WriteLine($"Untagged: {removed.Reference.FamiliarName}@{removed.Target.Digest}");
                    return 0;
                }).ConfigureAwait(false);
                status = Math.Max(status, one);
            }
            return status;
        });
        return command;
    }
}
