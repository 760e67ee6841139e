namespace Builder.Cache.Distribution;

/// <summary>
/// A deadline that moves whenever bytes move: <see cref="Token"/> is cancelled once nothing was sent or received for
/// <paramref name="idle"/> (each <see cref="Reset"/> starts the wait again), or when the caller's token is. A large
/// blob therefore has no total time limit, only a limit on silence.
/// </summary>
internal sealed class IdleTimeout(TimeSpan idle, CancellationToken cancellationToken) : IDisposable
{
    private readonly CancellationTokenSource _source = Start(idle, cancellationToken);

    /// <summary>The silence allowed.</summary>
    public TimeSpan Idle { get; } = idle;

    /// <summary>Cancelled after <see cref="Idle"/> of silence or by the caller.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Whether the token was cancelled by silence rather than by the caller.</summary>
    public bool Expired => _source.IsCancellationRequested && !cancellationToken.IsCancellationRequested;

    /// <summary>Bytes moved: the wait starts again.</summary>
    public void Reset()
    {
        if (!_source.IsCancellationRequested) _source.CancelAfter(Idle);
    }

    public void Dispose() => _source.Dispose();

    private static CancellationTokenSource Start(TimeSpan idle, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(idle);
        return source;
    }
}
