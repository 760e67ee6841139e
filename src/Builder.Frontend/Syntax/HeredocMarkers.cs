using System.Collections.Immutable;

namespace Builder.Frontend.Syntax;

internal static class HeredocMarkers
{
    public static ImmutableArray<Heredoc> Find(string arguments) => [];
}
