namespace Builder.MSBuild;

/// <summary>
/// The codes of the errors the MSBuild front end reports itself, in the engine's <c>IB</c> series (IB1xxx Dockerfile
/// syntax and instructions and IB2xxx build context come from the engine unchanged): IB40xx a build that failed,
/// IB41xx a project property the front end cannot honour. The README's MSBuild section lists them.
/// </summary>
internal static class ImgBuildErrorCodes
{
    /// <summary>An error that is neither a Dockerfile diagnostic nor a step: imgbuild's own, or a line it did not write as JSON.</summary>
    public const string Build = "IB4000";

    /// <summary>A failed step (a RUN that exited non-zero, a COPY whose source is missing…).</summary>
    public const string Step = "IB4001";

    /// <summary>A build that exited successfully without saying what it made.</summary>
    public const string NoResult = "IB4002";

    /// <summary>The archive (<c>ContainerArchiveOutputPath</c>) could not be written.</summary>
    public const string Archive = "IB4003";

    /// <summary>A property or item whose value is not valid (<c>ContainerImageFormat=Zip</c>, a port that is not a number…).</summary>
    public const string InvalidProperty = "IB4100";

    /// <summary>A property whose meaning imgbuild does not implement yet (several runtime identifiers, another platform).</summary>
    public const string NotSupported = "IB4101";

    /// <summary>The base image could not be inferred from the project (an SDK version it cannot read), pulled or read.</summary>
    public const string BaseImage = "IB4102";

    /// <summary>A warning: the app command replaces the base image's own <c>ENTRYPOINT</c> (the SDK warns too: its BaseEntrypointOverwritten message).</summary>
    public const string BaseEntrypointReplaced = "IB4103";
}
