using System.Diagnostics;
using System.Runtime.CompilerServices;
using Builder.Oci;

namespace Builder.Graph;

/// <summary>
/// The identity of a step: a sha256 over a canonical, versioned binary encoding of the step's kind, its fields
/// and its inputs' keys. <see cref="BuildStep.Origin"/> is left out, so two structurally equal steps built
/// separately (two stages with the same RUN) have the same key, and any field that changes the result changes it.
/// </summary>
public readonly record struct StepKey
{
    // Bump when the encoding or the meaning of a field changes, so keys from an older build never match.
    internal const string EncodingVersion = "imgbuild.step-key.v1";

    private static readonly ConditionalWeakTable<BuildStep, StrongBox<StepKey>> Memo = new();

    private StepKey(Digest digest) => Digest = digest;

    /// <summary>The sha256 digest.</summary>
    public Digest Digest { get; }

    /// <summary>The first 12 hex characters, for labels and logs.</summary>
    public string Short => Digest.Encoded[..12];

    /// <summary>
    /// The key of <paramref name="step"/>. Keys are memoised per step instance, and inputs are visited with an
    /// explicit stack, so a graph of any depth is keyed in time linear in its number of distinct instances.
    /// </summary>
    /// <exception cref="ArgumentException">A step reads an input index it does not have.</exception>
    public static StepKey Of(BuildStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (Memo.TryGetValue(step, out StrongBox<StepKey>? known))
            return known.Value;

        var pending = new Stack<(BuildStep Step, bool InputsDone)>();
        pending.Push((step, false));
        while (pending.Count > 0)
        {
            (BuildStep current, bool inputsDone) = pending.Pop();
            if (Memo.TryGetValue(current, out _))
                continue;
            if (!inputsDone)
            {
                pending.Push((current, true));
                foreach (BuildStep input in current.Inputs)
                {
                    ArgumentNullException.ThrowIfNull(input, nameof(step));
                    if (!Memo.TryGetValue(input, out _))
                        pending.Push((input, false));
                }
                continue;
            }
            // Every input was pushed above this entry, so each is keyed by now.
            Memo.AddOrUpdate(current, new StrongBox<StepKey>(Compute(current)));
        }
        return Memo.TryGetValue(step, out known) ? known.Value : throw new UnreachableException();
    }

    /// <summary>The OCI form of <see cref="Digest"/>, <c>sha256:&lt;hex&gt;</c>.</summary>
    public override string ToString() => Digest.ToString();

    private static StepKey Compute(BuildStep step)
    {
        if (step.InputProblem() is { } problem)
        {
            string where = step.Origin is { } origin ? $"{origin}: " : "";
            throw new ArgumentException($"{where}invalid {step.Kind} step: {problem}", nameof(step));
        }
        var hash = new Sha256Hasher();
        var encoder = new StepKeyEncoder(hash);
        encoder.Header(EncodingVersion, step.Kind);
        step.WriteFields(encoder);
        encoder.Inputs(step.Inputs.Select(input => Memo.TryGetValue(input, out StrongBox<StepKey>? key)
            ? key.Value.Digest
            : throw new UnreachableException("an input was not keyed before its step")));
        return new StepKey(new Digest(Digest.Sha256, Convert.ToHexStringLower(hash.GetHashAndReset())));
    }
}
