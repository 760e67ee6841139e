namespace Builder.Frontend.Diagnostics;

/// <summary>
/// A range of a Dockerfile: 1-based lines and columns, end inclusive. Columns count UTF-16 code units of the
/// line as written (after the BOM, before continuation joining).
/// </summary>
public sealed record SourceSpan(string File, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    /// <summary>A span covering one position.</summary>
    public static SourceSpan At(string file, int line, int column) => new(file, line, column, line, column);

    /// <summary>The <c>file:line:column</c> form that editors and CI logs link to.</summary>
    public override string ToString() => $"{File}:{StartLine}:{StartColumn}";
}
