using System.CommandLine;
using Builder.Cache.Distribution;
using Builder.Oci;

namespace Builder.Cli.Commands;

/// <summary>
/// <c>imgbuild pull NAME [--platform P]</c>: fetches an image from its registry into the local store, named there
/// unless the reference is a digest alone.
/// </summary>
internal static class PullCommand
{
    public static Command Create(StoreRoot store, RegistryAccess registry, TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "The image: alpine:3, localhost:5000/app@sha256:…" };
        var platform = new Option<string?>("--platform") { Description = "The platform to pull from a multi-platform image (default: this machine's)" };
        var command = new Command("pull", "Fetch an image from a registry into the local store") { name, platform };
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async images =>
        {
            ImageReference reference = StoreRoot.ParseReference(result.GetValue(name)!);
            Platform target = result.GetValue(platform) is { } p ? Platform.Parse(p) : Platform.Current;
            using RegistryClient client = registry.CreateClient(result);
            Descriptor manifest = await client.PullAsync(reference, target, images.Content, cancellationToken).ConfigureAwait(false);
            // A reference by digest alone has no name to keep (as a build's FROM NAME@DIGEST): the image stays in the
            // content store, where inspect NAME@DIGEST and a build find it.
            if (reference.Tag is not null) await images.SetAsync(reference, manifest, cancellationToken).ConfigureAwait(false);
            stdout.WriteLine($"{reference.FamiliarName}: pulled {manifest.Digest}");
            return 0;
        }));
        return command;
    }
}
