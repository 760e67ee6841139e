using System.Collections.Concurrent;
using System.Collections.Immutable;
using Builder.Graph;
using Builder.Solver.Scheduling;

namespace Builder.Solver.Tests.Scheduling;

public sealed class StepSchedulerTests
{
    /// <summary>A fake executor: records calls, lets a test hold a step at a gate, and can fail a step.</summary>
    private sealed class FakeExecutor : IStepExecutor<string>
    {
        public ConcurrentQueue<string> Started { get; } = new();
        public ConcurrentDictionary<string, TaskCompletionSource> Gates { get; } = new();
        public ConcurrentDictionary<string, TaskCompletionSource> Reached { get; } = new();
        public string? Fail { get; init; }
        public int Running;
        public int MaxRunning;

        public TaskCompletionSource Gate(string name) => Gates.GetOrAdd(name, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

        public TaskCompletionSource ReachedGate(string name) => Reached.GetOrAdd(name, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

        public async Task<string> ExecuteAsync(BuildStep step, StepKey key, IReadOnlyList<string> inputs, CancellationToken cancellationToken)
        {
            string name = Name(step);
            Started.Enqueue(name);
            int running = Interlocked.Increment(ref Running);
            InterlockedMax(ref MaxRunning, running);
            try
            {
                ReachedGate(name).TrySetResult();
                if (Gates.TryGetValue(name, out TaskCompletionSource? gate))
                    await gate.Task.WaitAsync(cancellationToken);
                if (name == Fail) throw new InvalidOperationException($"{name} broke");
                return $"{name}({string.Join(",", inputs)})";
            }
            finally
            {
                Interlocked.Decrement(ref Running);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
        }
    }

    private static string Name(BuildStep step) => step is ExecStep exec ? exec.Args[^1] : "scratch";

    // An exec step needs a root filesystem as input 0; scratch is the empty one.
    private static ExecStep Leaf(string name) => new(["/bin/sh", "-c", name], [], "/", "") { Inputs = [new ScratchStep()] };

    // A gate a test waits on must not hang the suite if the code under test never reaches it.
    private static Task Reached(FakeExecutor executor, string name) => executor.ReachedGate(name).Task.WaitAsync(TimeSpan.FromSeconds(60));

    [Fact]
    public async Task SolveAsync_Chain_RunsInputsFirstAndPassesTheirResults()
    {
        var executor = new FakeExecutor();
        ExecStep a = Leaf("a"), b = new(["/bin/sh", "-c", "b"], [], "/", "") { Inputs = [a] };

        IReadOnlyList<string> results = await new StepScheduler<string>(executor, 4).SolveAsync([b], CancellationToken.None);

        Assert.Equal(["scratch", "a", "b"], executor.Started);
        Assert.Equal("b(a(scratch()))", results[0]);
    }

    [Fact]
    public async Task SolveAsync_IdenticalStepsFromTwoTargets_RunOnce()
    {
        var executor = new FakeExecutor();
        ExecStep shared1 = Leaf("shared"), shared2 = Leaf("shared");
        ExecStep x = new(["/bin/sh", "-c", "x"], [], "/", "") { Inputs = [shared1] };
        ExecStep y = new(["/bin/sh", "-c", "y"], [], "/", "") { Inputs = [shared2] };

        await new StepScheduler<string>(executor, 4).SolveAsync([x, y], CancellationToken.None);

        Assert.Equal(1, executor.Started.Count(s => s == "shared"));
    }

    [Fact]
    public async Task SolveAsync_IndependentSteps_RunAtTheSameTime()
    {
        var executor = new FakeExecutor();
        string[] names = ["p1", "p2", "p3"];
        foreach (string name in names) executor.Gate(name);
        Task<IReadOnlyList<string>> solve = new StepScheduler<string>(executor, 4).SolveAsync([.. names.Select(Leaf)], CancellationToken.None);

        await Task.WhenAll(names.Select(n => Reached(executor, n)));
        Assert.Equal(3, Volatile.Read(ref executor.Running));
        foreach (string name in names) executor.Gate(name).SetResult();
        await solve;
    }

    [Fact]
    public async Task SolveAsync_ParallelLimit_IsNeverExceeded()
    {
        var executor = new FakeExecutor();

        await new StepScheduler<string>(executor, 2).SolveAsync([.. Enumerable.Range(0, 12).Select(i => Leaf("s" + i))], CancellationToken.None);

        Assert.Equal(13, executor.Started.Count);
        Assert.InRange(executor.MaxRunning, 1, 2);
    }

    [Fact]
    public async Task SolveAsync_OneStepFails_OthersAreCancelledAndTheFailureReported()
    {
        var executor = new FakeExecutor { Fail = "bad" };
        executor.Gate("slow");
        ExecStep after = new(["/bin/sh", "-c", "after"], [], "/", "") { Inputs = [Leaf("slow")] };

        var error = await Assert.ThrowsAsync<StepFailedException>(() =>
            new StepScheduler<string>(executor, 4).SolveAsync([after, Leaf("bad")], CancellationToken.None));

        Assert.Equal("bad broke", error.InnerException!.Message);
        Assert.DoesNotContain("after", executor.Started);
    }

    [Fact]
    public async Task SolveAsync_Cancelled_ThrowsOperationCanceled()
    {
        var executor = new FakeExecutor();
        executor.Gate("forever");
        using var cancel = new CancellationTokenSource();
        Task<IReadOnlyList<string>> solve = new StepScheduler<string>(executor, 4).SolveAsync([Leaf("forever")], cancel.Token);
        await Reached(executor, "forever");

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => solve);
    }

    // Completes every step at once, on the calling thread: the case where a recursive scheduler nests deepest.
    private sealed class ImmediateExecutor : IStepExecutor<int>
    {
        public Task<int> ExecuteAsync(BuildStep step, StepKey key, IReadOnlyList<int> inputs, CancellationToken cancellationToken) =>
            Task.FromResult(inputs.Count == 0 ? 0 : inputs[0] + 1);
    }

    [Fact]
    public async Task SolveAsync_ChainOf100000Steps_RunsWithoutOverflowingTheStack()
    {
        // Issue 14: each step used to start its inputs from inside its own call, one stack frame per step.
        BuildStep step = new ScratchStep();
        for (int i = 0; i < 100_000; i++)
            step = new ExecStep(["/bin/sh", "-c", $"step {i}"], [], "/", "") { Inputs = [step] };

        IReadOnlyList<int> results = await new StepScheduler<int>(new ImmediateExecutor(), 2).SolveAsync([step], CancellationToken.None);

        Assert.Equal(100_000, results[0]);
    }
}
