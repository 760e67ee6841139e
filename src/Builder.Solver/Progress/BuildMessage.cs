namespace Builder.Solver.Progress;

/// <summary>One line the build reports outside any step.</summary>
/// <param name="Level">Info or warning.</param>
/// <param name="Text">One sentence, without the <c>imgbuild:</c> or <c>warning:</c> prefix.</param>
public sealed record BuildMessage(BuildMessageLevel Level, string Text)
{
    /// <summary>An informational message.</summary>
    public static BuildMessage Info(string text) => new(BuildMessageLevel.Info, text);

    /// <summary>A warning.</summary>
    public static BuildMessage Warning(string text) => new(BuildMessageLevel.Warning, text);
}
