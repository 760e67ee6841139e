namespace Builder.Frontend.Subrequests;

/// <summary>A build argument of a <see cref="BuildOutline"/>.</summary>
/// <param name="Name">The ARG's name.</param>
/// <param name="Value">Its value for this build (--build-arg, or its default), or "".</param>
/// <param name="Description">The text after <c># NAME </c> above the ARG, or "".</param>
/// <param name="Line">The line of the ARG that defines it.</param>
public sealed record OutlineArg(string Name, string Value, string Description, int Line);
