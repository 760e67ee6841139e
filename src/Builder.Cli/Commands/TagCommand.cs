using System.CommandLine;
using Builder.Cache.Images;

namespace Builder.Cli.Commands;

/// <summary><c>imgbuild tag SOURCE TARGET</c>: gives an image a further name.</summary>
internal static class TagCommand
{
    public static Command Create(StoreRoot store, TextWriter stdout, TextWriter stderr)
    {
        var source = new Argument<string>("source") { Description = "An image name: app:1 or app@sha256:…" };
        var target = new Argument<string>("target") { Description = "The new name, with a tag: registry.example/app:2" };
        var command = new Command("tag", "Give an image another name") { source, target };
        command.SetAction((result, cancellationToken) => store.RunAsync(result, stderr, async images =>
        {
            _ = await images.TagAsync(StoreRoot.ParseReference(result.GetValue(source)!),
                StoreRoot.ParseReference(result.GetValue(target)!), cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
