namespace Builder.EndToEnd.Tests;

/// <summary>Reads <c>--progress=plain</c> output: "#N [stage n/m] INSTRUCTION" starts a step, "#N CACHED" says it was not run.</summary>
internal static class ProgressSteps
{
    public static IEnumerable<(string Instruction, bool Cached)> Parse(string progress)
    {
        string[] lines = progress.Split('\n');
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in lines.Where(l => l.Contains(" [", StringComparison.Ordinal) && l.StartsWith('#') && !l.Contains(" [internal] ", StringComparison.Ordinal)))
        {
            string number = line[..line.IndexOf(' ', StringComparison.Ordinal)];
            // A step's header is printed again when it resumes after another step printed (buildx's plain printer).
            if (!seen.Add(number)) continue;
            string instruction = line[(line.IndexOf("] ", StringComparison.Ordinal) + 2)..];
            yield return (instruction, lines.Contains($"{number} CACHED"));
        }
    }
}
