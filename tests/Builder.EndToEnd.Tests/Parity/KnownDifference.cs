using Builder.Testing.Parity;

namespace Builder.EndToEnd.Tests.Parity;

/// <summary>
/// A case's <c>known-difference</c> file: why imgbuild does not match BuildKit v0.24 yet (prose), then a line
/// <c>diff:</c> and the difference itself as <see cref="GoldenParityTests"/> prints it (<c>- golden only</c>,
/// <c>+ imgbuild only</c>, or <c>! imgbuild fails to build</c>). The test asserts that exact difference, so a fix
/// makes it fail until the file is deleted, and a different difference is never hidden by the marker.
/// </summary>
public sealed record KnownDifference(string Reason, string Diff)
{
    /// <summary>The marker of <paramref name="parity"/>, or null when imgbuild is expected to match.</summary>
    public static KnownDifference? Of(ParityCase parity)
    {
        if (!File.Exists(parity.KnownDifferencePath)) return null;
        string[] lines = File.ReadAllLines(parity.KnownDifferencePath);
        int separator = Array.IndexOf(lines, "diff:");
        if (separator < 0) throw new FormatException($"{parity.KnownDifferencePath}: no 'diff:' line after the reason");
        string reason = string.Join('\n', lines[..separator]).Trim();
        if (reason.Length == 0) throw new FormatException($"{parity.KnownDifferencePath}: no reason before 'diff:'");
        return new KnownDifference(reason, string.Concat(lines[(separator + 1)..].Where(l => l.Length > 0).Select(l => l + "\n")));
    }
}
