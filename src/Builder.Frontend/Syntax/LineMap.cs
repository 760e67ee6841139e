using Builder.Frontend.Diagnostics;

namespace Builder.Frontend.Syntax;

/// <summary>
/// Maps offsets in an instruction's joined text (continuation lines appended) back to lines and columns of the
/// Dockerfile, so a diagnostic can point at the character the user wrote.
/// </summary>
public sealed class LineMap
{
    private readonly int[] _offsets;
    private readonly int[] _lines;
    private readonly int[] _columns;

    internal LineMap(string file, IReadOnlyList<(int Offset, int Line, int Column)> segments)
    {
        File = file;
        _offsets = segments.Select(s => s.Offset).ToArray();
        _lines = segments.Select(s => s.Line).ToArray();
        _columns = segments.Select(s => s.Column).ToArray();
    }

    /// <summary>The Dockerfile's name as it is shown in diagnostics.</summary>
    public string File { get; }

    /// <summary>The line and column of the character at <paramref name="offset"/> of the joined text.</summary>
    public (int Line, int Column) Locate(int offset)
    {
        int index = Array.BinarySearch(_offsets, offset);
        if (index < 0) index = Math.Max(0, ~index - 1);
        return (_lines[index], _columns[index] + (offset - _offsets[index]));
    }

    /// <summary>The span of <paramref name="length"/> characters starting at <paramref name="offset"/>.</summary>
    public SourceSpan SpanOf(int offset, int length)
    {
        (int startLine, int startColumn) = Locate(offset);
        (int endLine, int endColumn) = Locate(offset + Math.Max(length, 1) - 1);
        return new SourceSpan(File, startLine, startColumn, endLine, endColumn);
    }

    /// <summary>A map for the text starting at <paramref name="offset"/> (the instruction inside ONBUILD).</summary>
    internal LineMap Slice(int offset)
    {
        var segments = new List<(int, int, int)>();
        (int line, int column) = Locate(offset);
        segments.Add((0, line, column));
        for (int i = 0; i < _offsets.Length; i++)
        {
            if (_offsets[i] > offset) segments.Add((_offsets[i] - offset, _lines[i], _columns[i]));
        }
        return new LineMap(File, segments);
    }
}
