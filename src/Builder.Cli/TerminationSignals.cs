using System.Runtime.InteropServices;

namespace Builder.Cli;

/// <summary>
/// SIGINT (Ctrl-C), SIGTERM and SIGHUP (a closed terminal, <c>tmux kill-session</c>) turned into one cancellation, so
/// that each stops a build the same way: its containers killed and deleted, its mounts and work folder removed before
/// the process exits. A second signal is not caught: it ends the process at once, and the next build or
/// <c>prune</c> removes what it left. Only the real process registers them, never a test calling the command in-process.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    public TerminationSignals() =>
        _registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(s => PosixSignalRegistration.Create(s, Handle))];

    /// <summary>Cancelled when the first of the signals arrives.</summary>
    public CancellationToken Token => _cancellation.Token;

    /// <summary>The exit status of a process the first signal stopped: 128 + its number (130 for SIGINT, as shells report it).</summary>
    public int ExitStatus => 128 + Volatile.Read(ref _received);

    private void Handle(PosixSignalContext context)
    {
        if (Interlocked.CompareExchange(ref _received, SignalNumber(context.Signal), 0) != 0) return; // the second one ends the process
        context.Cancel = true;
        _cancellation.Cancel();
    }

    // The numbers of Linux (asm-generic/signal.h); .NET's PosixSignal values are its own negative numbers.
    private static int SignalNumber(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => 1,
        PosixSignal.SIGINT => 2,
        _ => 15,
    };

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations) registration.Dispose();
        _cancellation.Dispose();
    }
}
