namespace Builder.Frontend.Diagnostics;

/// <summary>
/// The stable codes of <see cref="DockerfileDiagnostic"/>. IB1xxx: Dockerfile syntax and instructions;
/// IB2xxx: build context; IB19xx: features not supported yet. A code, once shipped, keeps its meaning.
/// </summary>
public static class DiagnosticCodes
{
    /// <summary>The Dockerfile holds no instruction.</summary>
    public const string EmptyDockerfile = "IB1001";

    /// <summary>A parser directive is malformed, repeated or has a bad value.</summary>
    public const string InvalidDirective = "IB1002";

    /// <summary>A heredoc has no terminating line.</summary>
    public const string UnterminatedHeredoc = "IB1003";

    /// <summary>A JSON (exec form) array holds something other than strings.</summary>
    public const string JsonNotStringArray = "IB1004";

    /// <summary>ENV, LABEL or ARG is not of the form name=value.</summary>
    public const string InvalidKeyValue = "IB1005";

    /// <summary>The keyword is not a Dockerfile instruction.</summary>
    public const string UnknownInstruction = "IB1006";

    /// <summary>An instruction has too few or too many arguments.</summary>
    public const string WrongArgumentCount = "IB1007";

    /// <summary>A flag is not one the instruction accepts.</summary>
    public const string UnknownFlag = "IB1008";

    /// <summary>A flag's value is malformed.</summary>
    public const string InvalidFlagValue = "IB1009";

    /// <summary>A flag is given twice, or without the value it needs.</summary>
    public const string InvalidFlagUse = "IB1010";

    /// <summary>An argument's value is malformed (a port, a duration, a stage name, a signal...).</summary>
    public const string InvalidArgument = "IB1011";

    /// <summary>An instruction appears where it is not allowed (before FROM, inside ONBUILD...).</summary>
    public const string MisplacedInstruction = "IB1012";

    /// <summary>A variable reference or quoting cannot be expanded.</summary>
    public const string ExpansionFailed = "IB1013";

    /// <summary>A stage name or reference is invalid, duplicated or unknown.</summary>
    public const string InvalidStage = "IB1014";

    /// <summary>A build argument or option given on the command line is malformed.</summary>
    public const string InvalidBuildOption = "IB1015";

    /// <summary>
    /// The Dockerfile goes past a limit of the build (a WORKDIR longer than Linux's PATH_MAX, stage references
    /// nested too deep to convert); the message names the limit and the hint how to stay under it.
    /// </summary>
    public const string LimitExceeded = "IB1020";

    /// <summary>
    /// A step needs an entitlement the build does not grant (<c>RUN --security=insecure</c> without
    /// <c>--allow security.insecure</c>).
    /// </summary>
    public const string EntitlementNotGranted = "IB1021";

    /// <summary>A build check fired and the Dockerfile says <c># check=error=true</c> (BuildKit's lint violation error).</summary>
    public const string BuildCheckFailed = "IB1022";

    /// <summary>A line continuation has an empty line in it (a warning, as in BuildKit).</summary>
    public const string EmptyContinuationLine = "IB1101";

    /// <summary>A Dockerfile feature that imgbuild does not support yet.</summary>
    public const string NotSupportedYet = "IB1900";
}
