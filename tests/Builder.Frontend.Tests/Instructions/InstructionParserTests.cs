using Builder.Frontend.Diagnostics;
using Builder.Frontend.Instructions;
using Builder.Frontend.Syntax;

namespace Builder.Frontend.Tests.Instructions;

public sealed class InstructionParserTests
{
    private static Instruction Parse(string line) =>
        InstructionParser.Parse(DockerfileParser.Parse("FROM base\n" + line + "\n").Instructions[^1]);

    private static DockerfileDiagnostic Error(string line) =>
        Assert.Throws<DockerfileException>(() => Parse(line)).Diagnostic;

    [Fact]
    public void Parse_UnknownInstruction_SuggestsNearest()
    {
        DockerfileDiagnostic error = Error("RUNN echo");
        Assert.Equal(DiagnosticCodes.UnknownInstruction, error.Code);
        Assert.Equal("unknown instruction: RUNN (did you mean RUN?)", error.Message);
        Assert.Equal((2, 1, 4), (error.Span.StartLine, error.Span.StartColumn, error.Span.EndColumn));
    }

    [Fact]
    public void Parse_UnknownFlag_ListsValidFlags()
    {
        DockerfileDiagnostic error = Error("COPY --chwon=1 a b");
        Assert.Equal(DiagnosticCodes.UnknownFlag, error.Code);
        Assert.Contains("--chown", error.Hint);
        Assert.Equal(6, error.Span.StartColumn);
    }

    [Fact]
    public void Parse_CopyWithOneArgument_NeedsDestination()
    {
        DockerfileDiagnostic error = Error("COPY app.dll");
        Assert.Equal(DiagnosticCodes.WrongArgumentCount, error.Code);
        Assert.Equal("COPY needs a source and a destination, got only 'app.dll'", error.Message);
        Assert.Equal("add the destination, for example: COPY app.dll /app/", error.Hint);
        Assert.Equal(6, error.Span.StartColumn);
    }

    [Fact]
    public void Parse_FromWithStage_LowerCasesName()
    {
        var from = (FromInstruction)InstructionParser.Parse(DockerfileParser.Parse("FROM --platform=$BUILDPLATFORM golang AS Build\n").Instructions[0]);
        Assert.Equal(("golang", "build", "$BUILDPLATFORM"), (from.BaseName, from.StageName, from.Platform));
    }

    [Theory]
    [InlineData("FROM a AS 1bad")]
    [InlineData("FROM a FOR b")]
    [InlineData("FROM a b")]
    public void Parse_BadFrom_IsAnError(string line)
    {
        Assert.Throws<DockerfileException>(() => InstructionParser.Parse(DockerfileParser.Parse(line).Instructions[0]));
    }

    [Fact]
    public void Parse_CopyFlags_AreTyped()
    {
        var copy = (CopyInstruction)Parse("COPY --from=build --chown=app:app --chmod=u+rwx,go+rx --link --parents --exclude=*.md --exclude=*.txt a b /dst/");
        Assert.Equal(("build", "app:app", "u+rwx,go+rx", true, true), (copy.From, copy.Chown, copy.Chmod, copy.Link, copy.Parents));
        Assert.Equal(["*.md", "*.txt"], copy.Excludes.ToArray());
        Assert.Equal(["a", "b"], copy.Sources.Select(s => s.Path));
        Assert.Equal("/dst/", copy.Destination);
    }

    [Theory]
    [InlineData("0755", true)]
    [InlineData("644", true)]
    [InlineData("u+x", true)]
    [InlineData("a=rX,u+w", true)]
    [InlineData("0789", false)]
    [InlineData("u+q", false)]
    [InlineData("rwx", false)]
    public void FileModeSpec_Values_ParseAsChmodDoes(string text, bool valid)
    {
        Assert.Equal(valid, FileModeSpec.TryParse(text, out _));
    }

    [Fact]
    public void Parse_AddFlags_AreTyped()
    {
        var add = (AddInstruction)Parse("ADD --checksum=sha256:" + new string('a', 64) + " --keep-git-dir --unpack=false https://x/y.tgz /d");
        Assert.Equal((true, false), (add.KeepGitDir, add.Unpack));
        Assert.StartsWith("sha256:", add.Checksum);
    }

    [Fact]
    public void Parse_AddBadChecksum_IsAnError()
    {
        Assert.Equal(DiagnosticCodes.InvalidFlagValue, Error("ADD --checksum=md5:abc https://x /d").Code);
    }

    [Fact]
    public void Parse_CopyHeredocSource_CarriesBody()
    {
        var copy = (CopyInstruction)InstructionParser.Parse(
            DockerfileParser.Parse("FROM a\nCOPY <<EOF /etc/app.conf\nx=1\nEOF\n").Instructions[1]);
        CopySource source = copy.Sources.Single();
        Assert.Equal(("EOF", "x=1\n"), (source.Path, source.Heredoc!.Content));
    }

    [Fact]
    public void Parse_RunMounts_AreTyped()
    {
        var run = (RunInstruction)Parse("RUN --mount=type=cache,target=/root/.cache,sharing=locked --mount=type=secret,id=tok,env=TOKEN --network=none --security=insecure make");
        Assert.Equal([MountType.Cache, MountType.Secret], run.Mounts.Select(m => m.Type));
        Assert.Equal(("/root/.cache", "locked"), (run.Mounts[0]["target"], run.Mounts[0]["sharing"]));
        Assert.Equal(("none", "insecure"), (run.Network, run.Security));
    }

    [Fact]
    public void Parse_RunMountAliases_AreCanonical()
    {
        var run = (RunInstruction)Parse("RUN --mount=dst=/src,src=.,ro make");
        Assert.Equal((MountType.Bind, "/src", ".", "true"), (run.Mounts[0].Type, run.Mounts[0]["target"], run.Mounts[0]["source"], run.Mounts[0]["readonly"]));
    }

    [Theory]
    [InlineData("RUN --mount=type=nfs,target=/x make")]
    [InlineData("RUN --mount=type=cache make")]
    [InlineData("RUN --mount=type=tmpfs,target=/x,from=a make")]
    [InlineData("RUN --mount=type=bind,target=/x,colour=red make")]
    [InlineData("RUN --network=bridge make")]
    [InlineData("RUN --security=root make")]
    public void Parse_BadRunFlag_IsAnError(string line)
    {
        Assert.Equal(DiagnosticCodes.InvalidFlagValue, Error(line).Code);
    }

    [Fact]
    public void Parse_Healthcheck_ReadsDurationsAndRetries()
    {
        var health = (HealthcheckInstruction)Parse("HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=2s --start-interval=1s --retries=4 CMD curl -f http://x/");
        Assert.Equal((TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 4),
            (health.Interval, health.Timeout, health.StartPeriod, health.StartInterval, health.Retries));
        Assert.Equal(["curl -f http://x/"], health.Command!.Words.ToArray());
    }

    [Fact]
    public void Parse_HealthcheckNone_HasNoCommand()
    {
        Assert.Null(((HealthcheckInstruction)Parse("HEALTHCHECK NONE")).Command);
    }

    [Theory]
    [InlineData("HEALTHCHECK NONE x")]
    [InlineData("HEALTHCHECK CMD")]
    [InlineData("HEALTHCHECK PING x")]
    [InlineData("HEALTHCHECK --interval=5 CMD x")]
    [InlineData("HEALTHCHECK --interval=1ns CMD x")]
    [InlineData("HEALTHCHECK --retries=-1 CMD x")]
    public void Parse_BadHealthcheck_IsAnError(string line)
    {
        Assert.Throws<DockerfileException>(() => Parse(line));
    }

    [Theory]
    [InlineData("ONBUILD FROM x")]
    [InlineData("ONBUILD MAINTAINER x")]
    public void Parse_ForbiddenOnbuildTrigger_IsAnError(string line)
    {
        Assert.Equal(DiagnosticCodes.MisplacedInstruction, Error(line).Code);
    }

    [Fact]
    public void Parse_Onbuild_ChecksTrigger()
    {
        var onbuild = (OnbuildInstruction)Parse("ONBUILD COPY . /app");
        Assert.IsType<CopyInstruction>(onbuild.Trigger);
        Assert.Equal("COPY . /app", onbuild.Expression);
        Assert.Throws<DockerfileException>(() => Parse("ONBUILD COPY --bogus . /app"));
    }

    [Fact]
    public void Parse_ShellFormShell_IsAnError()
    {
        Assert.Equal(DiagnosticCodes.InvalidArgument, Error("SHELL /bin/bash -c").Code);
    }

    [Fact]
    public void Parse_CmdFlag_IsUnknown()
    {
        Assert.Equal(DiagnosticCodes.UnknownFlag, Error("CMD --doit x").Code);
    }

    [Fact]
    public void Parse_DuplicateSingleFlag_IsAnError()
    {
        Assert.Equal(DiagnosticCodes.InvalidFlagUse, Error("COPY --from=a --from=b x y").Code);
    }

    [Fact]
    public void Parse_ArgDeclarations_KeepDefaults()
    {
        var arg = (ArgInstruction)Parse("ARG A B=2 C=\"x y\"");
        Assert.Equal([new ArgDeclaration("A", null), new ArgDeclaration("B", "2"), new ArgDeclaration("C", "\"x y\"")], arg.Declarations.ToArray());
    }

    [Fact]
    public void Parse_EnvPairs_KeepQuotesForExpansion()
    {
        var env = (EnvInstruction)Parse("ENV A=1 B=\"two words\"");
        Assert.Equal([new KeyValue("A", "1"), new KeyValue("B", "\"two words\"")], env.Variables.ToArray());
    }
}
