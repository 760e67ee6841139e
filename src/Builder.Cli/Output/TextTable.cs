namespace Builder.Cli.Output;

/// <summary>A table of left-aligned columns separated by three spaces, as <c>docker images</c> prints.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [headers];

    public void Add(params string[] cells) => _rows.Add(cells);

    public void Write(TextWriter output)
    {
        int[] widths = Enumerable.Range(0, headers.Length).Select(column => _rows.Max(row => row[column].Length)).ToArray();
        foreach (string[] row in _rows)
        {
            string line = string.Join("   ", row.Select((cell, column) => cell.PadRight(widths[column])));
            output.WriteLine(line.TrimEnd());
        }
    }
}
