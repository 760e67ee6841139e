using System.Collections.Concurrent;
using Builder.Cache.Distribution;
using Builder.Engine;
using Builder.Graph;
using Builder.Solver.Progress;
using Builder.Solver.Runtime;
using Builder.Testing.Registry;

namespace Builder.EndToEnd.Tests;

/// <summary>
/// <c>FROM</c> an image on a hostile peer (<see cref="HostileRegistry"/>, a real socket on loopback): a registry that
/// accepts and never answers fails the build with its name once the idle timeout has passed a few times, saying
/// meanwhile what it waits on; a manifest over 4 MiB fails it without being read whole.
/// </summary>
public sealed class HostileRegistryBuildTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("imgbuild-hostile-registry-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private BuildRequest Request(string dockerfile)
    {
        string context = TestContext.WithDockerfile(_root, dockerfile);
        return new BuildRequest
        {
            Targets = [new TargetRequest { ContextDirectory = context, DockerfileText = dockerfile, DockerfilePath = Path.Combine(context, "Dockerfile") }],
        };
    }

    [Fact]
    public async Task Build_FromARegistryThatNeverAnswers_FailsNamingItAfterTheIdleTimeout()
    {
        using var peer = new HostileRegistry(HostileBehaviour.NeverAnswers);
        var engine = new BuildEngine(new EngineOptions { StoreRoot = Path.Combine(_root, "store"), RegistryIdleTimeout = TimeSpan.FromSeconds(2) });
        var progress = new MessageProgress();

        var error = await Assert.ThrowsAsync<RegistryException>(() => engine.BuildAsync(Request($"FROM {peer.Host}/silent/image:1\n"), progress));

        Assert.Equal($"{peer.Host}/silent/image: fetching manifest 1 failed after 3 attempts: {peer.Host} did not answer within 2 s", error.Message);
        Assert.Contains(progress.Messages, m => m.StartsWith($"{peer.Host}: fetching manifest 1: no answer yet after ", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_FromAManifestOver4MiB_FailsInOneLineWithoutReadingItWhole()
    {
        using var peer = new HostileRegistry(HostileBehaviour.EndlessManifest);
        string context = TestContext.WithDockerfile(_root, $"FROM {peer.Host}/huge/image:1\n");

        var build = InProcessImgbuild.Run("--root", Path.Combine(_root, "store"), "--progress", "quiet", context);

        Assert.NotEqual(0, build.Status);
        Assert.Matches($@"^imgbuild: .*manifest {peer.Host.Replace(".", @"\.")}/huge/image:1 is larger than 4 MiB \(more than 4194304 bytes sent\): refusing it, as containerd does\n$", build.Err);
        Assert.True(peer.BodyBytesSent < 32L << 20, $"the peer could send {peer.BodyBytesSent} bytes before the build hung up");
    }

    // Keeps the messages outside any step; the steps themselves are not looked at here.
    private sealed class MessageProgress : IBuildProgress
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public void Started(BuildStep step, StepKey key) { }
        public void Cached(BuildStep step, StepKey key) { }
        public void Output(BuildStep step, StepKey key, ContainerOutputLine line) { }
        public void Finished(BuildStep step, StepKey key, TimeSpan elapsed) { }
        public void Message(BuildMessage message) => _messages.Enqueue(message.Text);
    }
}
