namespace Builder.Testing.Parity;

/// <summary>
/// Translates a parity case's build options (the <c>docker build</c> spelling imgbuild takes) into <c>buildctl</c>'s,
/// for the reference BuildKit the goldens are made with.
/// </summary>
public static class BuildctlOptions
{
    /// <summary>The buildctl arguments for <paramref name="options"/> (already resolved by <see cref="ParityCase.ResolveOptions"/>).</summary>
    /// <exception cref="NotSupportedException">An option has no buildctl translation yet; add one here.</exception>
    public static IReadOnlyList<string> From(IReadOnlyList<string> options)
    {
        var arguments = new List<string>();
        for (int i = 0; i < options.Count; i++)
        {
            string option = options[i];
            string Value() => i + 1 < options.Count ? options[++i] : throw new FormatException($"'{option}' needs a value");
            switch (option)
            {
                case "--build-arg": arguments.AddRange(["--opt", "build-arg:" + Value()]); break;
                case "--target": arguments.AddRange(["--opt", "target=" + Value()]); break;
                case "--platform": arguments.AddRange(["--opt", "platform=" + Value()]); break;
                case "--label": arguments.AddRange(["--opt", "label:" + Value()]); break;
                case "--secret": arguments.AddRange(["--secret", Value()]); break;
                case "--ssh": arguments.AddRange(["--ssh", Value()]); break;
                default: throw new NotSupportedException($"parity option '{option}' has no buildctl translation in {nameof(BuildctlOptions)}");
            }
        }
        return arguments;
    }
}
