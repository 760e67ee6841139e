namespace Builder.Frontend.Subrequests;

/// <summary>A secret or SSH agent of a <see cref="BuildOutline"/>.</summary>
/// <param name="Name">The secret's id, or the SSH agent's (<c>default</c> when none is given).</param>
/// <param name="Required">Whether the mount says <c>required</c>.</param>
/// <param name="Line">The line of the first RUN that asks for it.</param>
public sealed record OutlineMount(string Name, bool Required, int Line);
