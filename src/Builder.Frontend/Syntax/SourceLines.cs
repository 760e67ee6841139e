namespace Builder.Frontend.Syntax;

/// <summary>
/// The lines of a Dockerfile, read one at a time with 1-based numbers: a leading UTF-8 BOM is dropped, and a
/// line ends at '\n' with one '\r' before it removed, as Go's line scanner does for BuildKit.
/// </summary>
internal sealed class SourceLines
{
    private readonly string _text;
    private readonly List<int> _lengths = [];
    private int _position;
    private int _number;

    public SourceLines(string text)
    {
        _text = text.StartsWith('\uFEFF') ? text[1..] : text;
    }

    /// <summary>Reads the next line; false at the end of the text.</summary>
    public bool TryNext(out string line, out int number)
    {
        if (_position >= _text.Length)
        {
            (line, number) = (string.Empty, _number);
            return false;
        }
        int end = _text.IndexOf('\n', _position);
        int next = end < 0 ? _text.Length : end + 1;
        if (end < 0) end = _text.Length;
        if (end > _position && _text[end - 1] == '\r') end--;
        line = _text[_position..end];
        _position = next;
        number = ++_number;
        _lengths.Add(line.Length);
        return true;
    }

    /// <summary>The length of a line already read.</summary>
    public int LineLength(int number) => _lengths[number - 1];
}
