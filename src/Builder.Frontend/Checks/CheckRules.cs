using System.Collections.Immutable;

namespace Builder.Frontend.Checks;

/// <summary>
/// The build checks of BuildKit v0.24 (frontend/dockerfile/linter/ruleset.go): names, descriptions and URLs as
/// BuildKit has them, and each rule's message. Where each rule fires is in <see cref="DockerfileChecker"/>.
/// </summary>
public static class CheckRules
{
    private const string Docs = "https://docs.docker.com/go/dockerfile/rule/";

    /// <summary>A stage name (<c>FROM x AS Name</c>) is not all lower case.</summary>
    public static CheckRule StageNameCasing { get; } = new("StageNameCasing", "Stage names should be lowercase", Docs + "stage-name-casing/");

    /// <summary>The <c>AS</c> of FROM is not in the case of the FROM keyword.</summary>
    public static CheckRule FromAsCasing { get; } = new("FromAsCasing", "The 'as' keyword should match the case of the 'from' keyword", Docs + "from-as-casing/");

    /// <summary>A line continuation has an empty line in it.</summary>
    public static CheckRule NoEmptyContinuation { get; } = new("NoEmptyContinuation", "Empty continuation lines will become errors in a future release", Docs + "no-empty-continuation/");

    /// <summary>An instruction keyword is not in the case of most of them.</summary>
    public static CheckRule ConsistentInstructionCasing { get; } = new("ConsistentInstructionCasing",
        "All commands within the Dockerfile should use the same casing (either upper or lower)", Docs + "consistent-instruction-casing/");

    /// <summary>Two stages have one name.</summary>
    public static CheckRule DuplicateStageName { get; } = new("DuplicateStageName", "Stage names should be unique", Docs + "duplicate-stage-name/");

    /// <summary>A stage is named <c>scratch</c> or <c>context</c>.</summary>
    public static CheckRule ReservedStageName { get; } = new("ReservedStageName", "Reserved words should not be used as stage names", Docs + "reserved-stage-name/");

    /// <summary>CMD or ENTRYPOINT is in shell form.</summary>
    public static CheckRule JsonArgsRecommended { get; } = new("JSONArgsRecommended",
        "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals", Docs + "json-args-recommended/");

    /// <summary>MAINTAINER is used.</summary>
    public static CheckRule MaintainerDeprecated { get; } = new("MaintainerDeprecated",
        "The MAINTAINER instruction is deprecated, use a label instead to define an image author", Docs + "maintainer-deprecated/");

    /// <summary>FROM uses a variable no global ARG declares.</summary>
    public static CheckRule UndefinedArgInFrom { get; } = new("UndefinedArgInFrom", "FROM command must use declared ARGs", Docs + "undefined-arg-in-from/");

    /// <summary>The first WORKDIR a stage sets is relative.</summary>
    public static CheckRule WorkdirRelativePath { get; } = new("WorkdirRelativePath",
        "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes", Docs + "workdir-relative-path/");

    /// <summary>An instruction uses a variable that is not defined.</summary>
    public static CheckRule UndefinedVar { get; } = new("UndefinedVar", "Variables should be defined before their use", Docs + "undefined-var/");

    /// <summary>A stage has two CMD, ENTRYPOINT or HEALTHCHECK instructions.</summary>
    public static CheckRule MultipleInstructionsDisallowed { get; } = new("MultipleInstructionsDisallowed",
        "Multiple instructions of the same type should not be used in the same stage", Docs + "multiple-instructions-disallowed/");

    /// <summary>ENV or LABEL uses the <c>key value</c> form.</summary>
    public static CheckRule LegacyKeyValueFormat { get; } = new("LegacyKeyValueFormat", "Legacy key/value format with whitespace separator should not be used", Docs + "legacy-key-value-format/");

    /// <summary>A base image was pulled for another platform than the stage's.</summary>
    public static CheckRule InvalidBaseImagePlatform { get; } = new("InvalidBaseImagePlatform", "Base image platform does not match expected target platform", null);

    /// <summary><c>FROM --platform=$TARGETPLATFORM</c>.</summary>
    public static CheckRule RedundantTargetPlatform { get; } = new("RedundantTargetPlatform",
        "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior", Docs + "redundant-target-platform/");

    /// <summary>ARG or ENV names something that looks like a secret.</summary>
    public static CheckRule SecretsUsedInArgOrEnv { get; } = new("SecretsUsedInArgOrEnv", "Sensitive data should not be used in the ARG or ENV commands", Docs + "secrets-used-in-arg-or-env/");

    /// <summary>With the global ARGs' defaults, a FROM names no valid image.</summary>
    public static CheckRule InvalidDefaultArgInFrom { get; } = new("InvalidDefaultArgInFrom",
        "Default value for global ARG results in an empty or invalid base image name", Docs + "invalid-default-arg-in-from/");

    /// <summary><c>FROM --platform=</c> with a constant.</summary>
    public static CheckRule FromPlatformFlagConstDisallowed { get; } = new("FromPlatformFlagConstDisallowed",
        "FROM --platform flag should not use a constant value", Docs + "from-platform-flag-const-disallowed/");

    /// <summary>COPY or ADD names a file .dockerignore excludes (experimental).</summary>
    public static CheckRule CopyIgnoredFile { get; } = new("CopyIgnoredFile", "Attempting to Copy file that is excluded by .dockerignore", Docs + "copy-ignored-file/", Experimental: true);

    /// <summary>The comment above a stage or ARG does not start with its name (experimental).</summary>
    public static CheckRule InvalidDefinitionDescription { get; } = new("InvalidDefinitionDescription",
        "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.",
        Docs + "invalid-definition-description/", Experimental: true);

    /// <summary>EXPOSE names its protocol in upper case.</summary>
    public static CheckRule ExposeProtoCasing { get; } = new("ExposeProtoCasing", "Protocol in EXPOSE instruction should be lowercase", Docs + "expose-proto-casing/");

    /// <summary>EXPOSE has an IP address or a host port.</summary>
    public static CheckRule ExposeInvalidFormat { get; } = new("ExposeInvalidFormat",
        "IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release", Docs + "expose-invalid-format/");

    /// <summary>Every rule, in BuildKit's order.</summary>
    public static ImmutableArray<CheckRule> All { get; } =
    [
        StageNameCasing, FromAsCasing, NoEmptyContinuation, ConsistentInstructionCasing, DuplicateStageName, ReservedStageName,
        JsonArgsRecommended, MaintainerDeprecated, UndefinedArgInFrom, WorkdirRelativePath, UndefinedVar, MultipleInstructionsDisallowed,
        LegacyKeyValueFormat, InvalidBaseImagePlatform, RedundantTargetPlatform, SecretsUsedInArgOrEnv, InvalidDefaultArgInFrom,
        FromPlatformFlagConstDisallowed, CopyIgnoredFile, InvalidDefinitionDescription, ExposeProtoCasing, ExposeInvalidFormat,
    ];
}
