using System.Collections.Immutable;
using Builder.Oci;
using Builder.Graph;

namespace Builder.Solver.Tests.Graph;

public class StepKeyTests
{
    [Fact]
    public void Of_StructurallyEqualGraphsBuiltSeparately_SameKey() =>
        Assert.Equal(StepKey.Of(SampleGraphs.Build()), StepKey.Of(SampleGraphs.Build()));

    [Fact]
    public void Of_DifferentOrigin_SameKey()
    {
        FileStep step = SampleGraphs.Build();
        Assert.Equal(StepKey.Of(step), StepKey.Of(step with { Origin = new StepOrigin("other/Dockerfile", 90, 99, "COPY x y") }));
        Assert.Equal(StepKey.Of(step), StepKey.Of(step with { Origin = null }));
    }

    [Fact]
    public void Of_SourceWithoutFields_IsPinned() =>
        // The v1 encoding of a scratch step, computed independently: sha256 of the version and the kind, each
        // int32-LE-length-prefixed UTF-8, then the inputs tag 0x0a and an int32 count 0. If this changes, bump
        // StepKey.EncodingVersion: stored cache keys must never match steps whose encoding means something else.
        Assert.Equal("sha256:" + ScratchKeyV1, StepKey.Of(new ScratchStep()).ToString());

    private const string ScratchKeyV1 = "22554821e8c5724a308ffa250923d1606e843f8b60a534bde421e991acf4b8d3";

    public static TheoryData<string> MutationNames() => [.. Mutations.Keys];

    [Theory, MemberData(nameof(MutationNames))]
    public void Of_OneFieldChanged_DifferentKey(string mutation) =>
        Assert.NotEqual(StepKey.Of(SampleGraphs.Build()), StepKey.Of(Mutations[mutation]()));

    [Fact]
    public void Of_AllMutations_PairwiseDifferentKeys()
    {
        var keys = Mutations.ToDictionary(m => m.Key, m => StepKey.Of(m.Value()));
        var collisions = keys.GroupBy(k => k.Value).Where(g => g.Count() > 1).Select(g => string.Join(", ", g.Select(k => k.Key)));
        Assert.Empty(collisions);
    }

    [Fact]
    public void Of_ChainOf10000Steps_KeysWithoutStackOverflow()
    {
        ImmutableArray<BuildStep> chain = SampleGraphs.Chain(10_000);
        StepKey? key = null;
        // A small stack makes sure the keying does not recurse per step.
        var thread = new Thread(() => key = StepKey.Of(chain[^1]), maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();
        Assert.Equal(StepKey.Of(SampleGraphs.Chain(10_000)[^1]), key);
    }

    [Fact]
    public void Of_ChainOf10000Steps_EveryStepHasDistinctKey() =>
        Assert.Equal(10_000, SampleGraphs.Chain(10_000).Select(StepKey.Of).Distinct().Count());

    [Fact]
    public void Of_CopyFromMissingInput_ThrowsNamingOrigin()
    {
        var step = new FileStep([new CopyAction(2, "/a", "/b")])
        {
            Inputs = [new ScratchStep()],
            Origin = new StepOrigin("Dockerfile", 7, 7, "COPY --from=x /a /b"),
        };
        var e = Assert.Throws<ArgumentException>(() => StepKey.Of(step));
        Assert.Contains("Dockerfile:7 COPY --from=x /a /b", e.Message);
        Assert.Contains("copies from input 2, but the step has 1 inputs", e.Message);
    }

    [Fact]
    public void Of_BindMountOfMissingInput_Throws() =>
        Assert.Contains("reads input 1",
            Assert.Throws<ArgumentException>(() => StepKey.Of(new ExecStep(["true"], [], "/", "")
            {
                Inputs = [new ScratchStep()],
                Mounts = [new BindMount(1, "/", "/mnt")],
            })).Message);

    [Fact]
    public void Of_ExecWithoutRoot_Throws() =>
        Assert.Throws<ArgumentException>(() => StepKey.Of(new ExecStep(["true"], [], "/", "")));

    private static readonly Dictionary<string, Func<BuildStep>> Mutations = new()
    {
        // The FileStep itself.
        ["file: inputs swapped"] = () => Swap(SampleGraphs.Build()),
        ["file: base is scratch"] = () => SampleGraphs.Build() with { Inputs = [new ScratchStep(), SampleGraphs.Build().Inputs[1]] },
        ["file: action removed"] = () => File(s => s with { Actions = s.Actions.RemoveAt(3) }),
        ["file: actions reordered"] = () => File(s => s with { Actions = [s.Actions[1], s.Actions[0], s.Actions[2], s.Actions[3]] }),
        ["mkdir: path"] = () => Action<MkdirAction>(0, a => a with { Path = "/app2" }),
        ["mkdir: mode"] = () => Action<MkdirAction>(0, a => a with { Mode = 0b111_000_000 }),
        ["mkdir: make parents"] = () => Action<MkdirAction>(0, a => a with { MakeParents = false }),
        ["mkdir: owner"] = () => Action<MkdirAction>(0, a => a with { Owner = FileOwner.FromIds(1, 1) }),
        ["copy: source input"] = () => Action<CopyAction>(1, a => a with { SourceInput = 0 }),
        ["copy: source"] = () => Action<CopyAction>(1, a => a with { Source = "/out/app2" }),
        ["copy: destination"] = () => Action<CopyAction>(1, a => a with { Destination = "/app" }),
        ["copy: owner user"] = () => Action<CopyAction>(1, a => a with { Owner = new FileOwner("root", "app") }),
        ["copy: owner group"] = () => Action<CopyAction>(1, a => a with { Owner = new FileOwner("app") }),
        ["copy: mode"] = () => Action<CopyAction>(1, a => a with { Mode = "u+x" }),
        ["copy: follow symlinks"] = () => Action<CopyAction>(1, a => a with { FollowSymlinks = false }),
        ["copy: directory contents"] = () => Action<CopyAction>(1, a => a with { CopyDirectoryContents = false }),
        ["copy: create destination"] = () => Action<CopyAction>(1, a => a with { CreateDestinationPath = false }),
        ["copy: allow wildcard"] = () => Action<CopyAction>(1, a => a with { AllowWildcard = false }),
        ["copy: allow empty wildcard"] = () => Action<CopyAction>(1, a => a with { AllowEmptyWildcard = false }),
        ["copy: include"] = () => Action<CopyAction>(1, a => a with { IncludePatterns = ["*.so"] }),
        ["copy: exclude"] = () => Action<CopyAction>(1, a => a with { ExcludePatterns = ["*.so"] }),
        ["copy: unpack archive"] = () => Action<CopyAction>(1, a => a with { UnpackArchive = true }),
        ["copy: link"] = () => Action<CopyAction>(1, a => a with { Link = true }),
        ["mkfile: data"] = () => Action<MkfileAction>(2, a => a with { Data = [.. a.Data, (byte)'\n'] }),
        ["mkfile: mode"] = () => Action<MkfileAction>(2, a => a with { Mode = 0b110_100_100 }),
        ["mkfile: path"] = () => Action<MkfileAction>(2, a => a with { Path = "/app/start.sh" }),
        ["rm: path"] = () => Action<RmAction>(3, a => a with { Path = "/app/*.bak" }),
        ["rm: allow not found"] = () => Action<RmAction>(3, a => a with { AllowNotFound = false }),
        ["rm: allow wildcard"] = () => Action<RmAction>(3, a => a with { AllowWildcard = false }),

        // The ExecStep input.
        ["exec: args"] = () => Exec(e => e with { Args = ["/bin/sh", "-c", "make all"] }),
        ["exec: args split differently"] = () => Exec(e => e with { Args = ["/bin/sh", "-c make"] }),
        ["exec: env"] = () => Exec(e => e with { Env = ["A=1", "B=3"] }),
        ["exec: env order"] = () => Exec(e => e with { Env = ["B=2", "A=1"] }),
        ["exec: working directory"] = () => Exec(e => e with { WorkingDirectory = "/" }),
        ["exec: user"] = () => Exec(e => e with { User = "root" }),
        ["exec: network"] = () => Exec(e => e with { Network = NetworkMode.Host }),
        ["exec: security"] = () => Exec(e => e with { Security = SecurityMode.Insecure }),
        ["exec: extra host"] = () => Exec(e => e with { ExtraHosts = [new ExtraHost("db", "10.0.0.5")] }),
        ["exec: extra host address"] = () => Exec(e => e with { ExtraHosts = [new ExtraHost("db", "10.0.0.6")] }),
        ["exec: ulimit"] = () => Exec(e => e with { Ulimits = [new Ulimit("nofile", 1024, 2048)] }),
        ["exec: ulimit hard"] = () => Exec(e => e with { Ulimits = [new Ulimit("nofile", 1024, 4096)] }),
        ["exec: mount removed"] = () => Exec(e => e with { Mounts = e.Mounts.RemoveAt(4) }),
        ["bind: read-write"] = () => Mount<BindMount>(0, m => m with { ReadOnly = false }),
        ["bind: source"] = () => Mount<BindMount>(0, m => m with { Source = "/sub" }),
        ["bind: target"] = () => Mount<BindMount>(0, m => m with { Target = "/mnt" }),
        ["bind: input"] = () => Mount<BindMount>(0, m => m with { Input = 0 }),
        ["cache: id"] = () => Mount<CacheMount>(1, m => m with { Id = "other" }),
        ["cache: sharing"] = () => Mount<CacheMount>(1, m => m with { Sharing = CacheSharing.Private }),
        ["cache: read-only"] = () => Mount<CacheMount>(1, m => m with { ReadOnly = true }),
        ["cache: from input"] = () => Mount<CacheMount>(1, m => m with { FromInput = 1, Source = "/seed" }),
        ["cache: mode"] = () => Mount<CacheMount>(1, m => m with { Mode = 0b111_111_111 }),
        ["cache: uid"] = () => Mount<CacheMount>(1, m => m with { Uid = 0 }),
        ["cache: gid"] = () => Mount<CacheMount>(1, m => m with { Gid = 1000 }),
        ["tmpfs: size"] = () => Mount<TmpfsMount>(2, m => m with { Size = null }),
        ["secret: required"] = () => Mount<SecretMount>(3, m => m with { Required = false }),
        ["secret: env"] = () => Mount<SecretMount>(3, m => m with { Env = "NPMRC" }),
        ["secret: target"] = () => Mount<SecretMount>(3, m => m with { Target = "/root/.npmrc" }),
        ["secret: mode"] = () => Mount<SecretMount>(3, m => m with { Mode = 0b110_100_100 }),
        ["ssh: id"] = () => Mount<SshMount>(4, m => m with { Id = "github" }),
        ["ssh: required"] = () => Mount<SshMount>(4, m => m with { Required = true }),
        ["ssh: uid"] = () => Mount<SshMount>(4, m => m with { Uid = 1000 }),

        // Sources, two levels down.
        ["image: tag"] = () => ExecInput(0, new ImageSourceStep(ImageReference.Parse("alpine:3.19"), Platform.Parse("linux/amd64"))),
        ["image: platform"] = () => ExecInput(0, new ImageSourceStep(ImageReference.Parse("alpine:3.20"), Platform.Parse("linux/arm64"))),
        ["image: resolved digest"] = () => ExecInput(0, SampleGraphs.Alpine() with { ResolvedDigest = Digest.Sha256Of([1]) }),
        ["context: name"] = () => ExecInput(1, SampleGraphs.Context() with { Name = "other" }),
        ["context: include"] = () => ExecInput(1, SampleGraphs.Context() with { IncludePatterns = [] }),
        ["context: exclude"] = () => ExecInput(1, SampleGraphs.Context() with { ExcludePatterns = ["**/bin"] }),
        ["http: url"] = () => ExecInput(1, new HttpSourceStep(new Uri("https://example.com/a.tar"))),
        ["http: checksum"] = () => ExecInput(1, new HttpSourceStep(new Uri("https://example.com/a.tar"), Digest.Sha256Of([]))),
        ["http: file name"] = () => ExecInput(1, new HttpSourceStep(new Uri("https://example.com/a.tar"), FileName: "b.tar")),
        ["git: remote"] = () => ExecInput(1, new GitSourceStep("https://example.com/r.git")),
        ["git: ref"] = () => ExecInput(1, new GitSourceStep("https://example.com/r.git", "v1")),
        ["git: keep git dir"] = () => ExecInput(1, new GitSourceStep("https://example.com/r.git", KeepGitDir: true)),
        ["git: subdirectory"] = () => ExecInput(1, new GitSourceStep("https://example.com/r.git", Subdirectory: "docs")),
        ["scratch"] = () => ExecInput(1, new ScratchStep()),
    };

    private static FileStep File(Func<FileStep, FileStep> change) => change(SampleGraphs.Build());

    private static FileStep Swap(FileStep step) => step with { Inputs = [step.Inputs[1], step.Inputs[0]] };

    private static FileStep Action<T>(int index, Func<T, FileAction> change)
        where T : FileAction =>
        File(s => s with { Actions = s.Actions.SetItem(index, change((T)s.Actions[index])) });

    private static FileStep Exec(Func<ExecStep, ExecStep> change) =>
        File(s => s with { Inputs = s.Inputs.SetItem(1, change((ExecStep)s.Inputs[1])) });

    private static FileStep Mount<T>(int index, Func<T, ExecMount> change)
        where T : ExecMount =>
        Exec(e => e with { Mounts = e.Mounts.SetItem(index, change((T)e.Mounts[index])) });

    private static FileStep ExecInput(int index, BuildStep input) =>
        Exec(e => e with { Inputs = e.Inputs.SetItem(index, input) });
}
