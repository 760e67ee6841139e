namespace Builder.Filesystem;

/// <summary>
/// chmod(1) symbolic modes as COPY/ADD <c>--chmod</c> accepts them (<c>u+x</c>, <c>go-w</c>, <c>a=rX</c>,
/// <c>g=u</c>): comma-separated clauses of who (<c>ugoa</c>, none meaning all), then operators (<c>+ - =</c>), each
/// with permissions (<c>rwxXst</c>) or a class to copy (<c>u g o</c>). They are applied to each file's own mode,
/// so <c>X</c> adds execute only to directories and files that already have an execute bit.
/// </summary>
public static class SymbolicMode
{
    private const int SetUid = 0b100_000_000_000, SetGid = 0b010_000_000_000, Sticky = 0b001_000_000_000;

    /// <summary>The mode <paramref name="mode"/> becomes under <paramref name="clauses"/>.</summary>
    /// <exception cref="FormatException">The clauses are not chmod(1) symbolic syntax.</exception>
    public static int Apply(string clauses, int mode, bool isDirectory)
    {
        ArgumentNullException.ThrowIfNull(clauses);
        foreach (string clause in clauses.Split(','))
        {
            int i = 0;
            int who = 0;
            for (; i < clause.Length && "ugoa".Contains(clause[i], StringComparison.Ordinal); i++)
                who |= clause[i] switch { 'u' => 0b111_000_000 | SetUid, 'g' => 0b000_111_000 | SetGid, 'o' => 0b000_000_111 | Sticky, _ => 0xFFF };
            if (who == 0) who = 0xFFF;
            if (i == clause.Length) throw new FormatException($"'{clause}' has no operator (+, - or =)");
            while (i < clause.Length)
            {
                char op = clause[i++];
                if (op is not ('+' or '-' or '=')) throw new FormatException($"'{clause}': expected +, - or = at '{op}'");
                int permissions = 0;
                int original = mode;
                for (; i < clause.Length && clause[i] is not ('+' or '-' or '='); i++)
                {
                    permissions |= clause[i] switch
                    {
                        'r' => 0b100_100_100,
                        'w' => 0b010_010_010,
                        'x' => 0b001_001_001,
                        'X' => isDirectory || (original & 0b001_001_001) != 0 ? 0b001_001_001 : 0,
                        's' => SetUid | SetGid,
                        't' => Sticky,
                        'u' => Spread((original >> 6) & 7),
                        'g' => Spread((original >> 3) & 7),
                        'o' => Spread(original & 7),
                        _ => throw new FormatException($"'{clause}': '{clause[i]}' is not a permission (rwxXst or u, g, o)"),
                    };
                }
                int bits = permissions & who;
                mode = op switch
                {
                    '+' => mode | bits,
                    '-' => mode & ~bits,
                    _ => (mode & ~who) | bits,
                };
            }
        }
        return mode & 0xFFF;
    }

    // One class's rwx bits copied to all three classes ("g=u").
    private static int Spread(int bits) => bits << 6 | bits << 3 | bits;
}
