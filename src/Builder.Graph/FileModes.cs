namespace Builder.Graph;

/// <summary>Unix permission bits as written in Dockerfiles and by <c>ls</c>: octal, four digits.</summary>
internal static class FileModes
{
    /// <summary><c>0755</c>, the default mode of directories BuildKit creates.</summary>
    public const int Directory = 0b111_101_101;

    /// <summary><c>0644</c>, the default mode of files BuildKit creates.</summary>
    public const int File = 0b110_100_100;

    public static string Format(int mode) => "0" + Convert.ToString(mode, 8).PadLeft(3, '0');

    public static string? Format(int? mode) => mode is { } m ? Format(m) : null;
}
