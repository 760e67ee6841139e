namespace Builder.EndToEnd.Tests;

/// <summary>Reads <c>--progress=plain</c> output: "#N [line] INSTRUCTION" starts a step, "#N CACHED" says it was not run.</summary>
internal static class ProgressSteps
{
    public static IEnumerable<(string Instruction, bool Cached)> Parse(string progress)
    {
        string[] lines = progress.Split('\n');
        foreach (string line in lines.Where(l => l.Contains(" [", StringComparison.Ordinal) && l.StartsWith('#')))
        {
            string number = line[..line.IndexOf(' ', StringComparison.Ordinal)];
            string instruction = line[(line.IndexOf("] ", StringComparison.Ordinal) + 2)..];
            yield return (instruction, lines.Contains($"{number} CACHED"));
        }
    }
}
