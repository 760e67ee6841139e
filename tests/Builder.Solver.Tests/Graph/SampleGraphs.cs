using System.Collections.Immutable;
using System.Text;
using Builder.Oci;
using Builder.Graph;

namespace Builder.Solver.Tests.Graph;

/// <summary>Builds the same small graph afresh on every call, so tests can compare separately built graphs.</summary>
internal static class SampleGraphs
{
    public static ImageSourceStep Alpine() =>
        new(ImageReference.Parse("alpine:3.20"), Platform.Parse("linux/amd64"));

    public static ContextSourceStep Context() =>
        new(ContextSourceStep.DefaultName, ["src/**"], ["**/bin", "*.md"]);

    public static ExecStep Run(BuildStep root, params string[] script) =>
        new(["/bin/sh", "-c", string.Join(' ', script)], ["PATH=/usr/bin:/bin"], "/app", "")
        {
            Inputs = [root],
            Origin = new StepOrigin("Dockerfile", 3, 3, "RUN " + string.Join(' ', script)),
        };

    /// <summary>FROM alpine; RUN with every mount type; COPY from the context; heredoc file; rm.</summary>
    public static FileStep Build()
    {
        ImageSourceStep alpine = Alpine();
        ContextSourceStep context = Context();
        var exec = new ExecStep(["/bin/sh", "-c", "make"], ["A=1", "B=2"], "/src", "app")
        {
            Inputs = [alpine, context],
            Network = NetworkMode.None,
            Mounts =
            [
                new BindMount(1, "/", "/src"),
                new CacheMount("go-build", "/root/.cache") { Sharing = CacheSharing.Locked, Uid = 1000 },
                new TmpfsMount("/tmp") { Size = 64 << 20 },
                new SecretMount("npmrc") { Target = "/run/secrets/npmrc", Required = true },
                new SshMount(),
            ],
            Origin = new StepOrigin("Dockerfile", 4, 6, "RUN --mount=… make"),
        };
        return new FileStep(
        [
            new MkdirAction("/app", MakeParents: true),
            new CopyAction(1, "/out/app", "/app/") { Owner = new FileOwner("app", "app"), Mode = "755" },
            new MkfileAction("/app/run.sh", 0b111_101_101, [.. Encoding.UTF8.GetBytes("#!/bin/sh\nexec /app/app\n")]),
            new RmAction("/app/*.tmp", AllowNotFound: true, AllowWildcard: true),
        ])
        {
            Inputs = [Alpine(), exec],
            Origin = new StepOrigin("Dockerfile", 8, 8, "COPY --from=build /out/app /app/"),
        };
    }

    public static ImageConfig Config() =>
        ImageConfig.Empty(Platform.Parse("linux/amd64")).ToBuilder().SetEnv("PATH", "/usr/bin").Build();

    public static ImmutableArray<BuildStep> Chain(int length)
    {
        var steps = ImmutableArray.CreateBuilder<BuildStep>(length);
        BuildStep current = new ScratchStep();
        steps.Add(current);
        for (int i = 1; i < length; i++)
        {
            current = new FileStep([new MkdirAction($"/d{i}")]) { Inputs = [current] };
            steps.Add(current);
        }
        return steps.MoveToImmutable();
    }
}
